package org.conch.testing;

import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreOptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Gives each {@link H2FeedStore} parameter of a test method or of a {@code @BeforeEach} method a fresh store of
 * its own, and closes it after the test: an in-memory database by default, files in a temporary directory for
 * a parameter marked {@link OnDisk}. Two parameters get two stores. Use with
 * {@code @ExtendWith(H2StoreExtension.class)}.
 */
public final class H2StoreExtension implements ParameterResolver {
    /** The store is kept in files (in a temporary directory removed after the test), as conch keeps it. */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface OnDisk {
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(H2StoreExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == H2FeedStore.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        boolean onDisk = parameter.isAnnotated(OnDisk.class);
        OpenStore open = new OpenStore(onDisk);
        // The store of the method's context is closed when that context ends: after the test (for @BeforeEach
        // too, which runs in the test's context).
        context.getStore(NAMESPACE).put(new Object(), open);
        return open.store;
    }

    /** A store and its directory, closed and removed together when JUnit closes the context's store. */
    private static final class OpenStore implements AutoCloseable {
        private final Path directory;
        private final H2FeedStore store;

        OpenStore(boolean onDisk) {
            try {
                directory = Files.createTempDirectory("conch-store-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            store = H2FeedStore.open(onDisk ? StoreOptions.at(directory) : StoreOptions.inMemoryStore());
        }

        @Override
        public void close() throws IOException {
            try {
                store.close();
            } finally {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
                }
            }
        }
    }
}
