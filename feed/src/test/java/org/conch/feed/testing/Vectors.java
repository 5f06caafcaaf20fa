package org.conch.feed.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * The shared test vectors, read in place from {@code ../shared/vectors} beside the project (never
 * copied in). On a clone without that folder the tests that need it fail, naming the folder they
 * looked for: a conformance suite that quietly skipped would let a build pass that checked nothing.
 */
public final class Vectors {
    private Vectors() {
    }

    /** The vectors root: system property {@code conch.vectors}, else ../shared/vectors from the repo root. */
    public static Path root() {
        String configured = System.getProperty("conch.vectors");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        // Tests run in the module directory; the repo root is its parent.
        return Paths.get("").toAbsolutePath().getParent().resolve("../shared/vectors").normalize();
    }

    /** A vector folder; fails the test, naming the folder, when it is missing. */
    public static Path folder(String name) {
        Path folder = root().resolve(name);
        if (!Files.isDirectory(folder)) {
            throw new AssertionError("shared test vectors not found: " + folder
                    + " (clone with ../shared beside the project, or set -Dconch.vectors)");
        }
        return folder;
    }

    /** A vector folder when it is there: for seeds that have built-in stand-ins, such as the fuzzers'. */
    public static Optional<Path> optionalFolder(String name) {
        Path folder = root().resolve(name);
        return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
    }
}
