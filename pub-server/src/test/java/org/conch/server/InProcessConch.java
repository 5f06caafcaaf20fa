package org.conch.server;

import org.conch.server.config.ServerConfig;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.server.cli.ConchCommand;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** conch servers and CLI verbs run inside the test's JVM: data directories, configs and runs (the verbs also for other packages' tests). */
public final class InProcessConch {
    private InProcessConch() {
    }

    public record Run(int exit, String out, String err) {
    }

    /** Gives {@code data} a new identity. */
    static FeedId initialise(Path data) {
        Identity identity = Identity.generate();
        identity.save(data.resolve("secret"));
        return identity.id();
    }

    /** Loopback only, free ports, no LAN; {@code more} adds settings as key, value, key, value … */
    static ServerConfig localConfig(Path data, String... more) {
        Map<String, String> flags = new LinkedHashMap<>(Map.of("host", "127.0.0.1", "port", "0", "http-port", "0", "lan", "false"));
        for (int i = 0; i + 1 < more.length; i += 2) flags.put(more[i], more[i + 1]);
        return ServerConfig.load(data, Map.of(), flags);
    }

    /** Runs {@code conch --data DATA args…} in-process. */
    public static Run conch(Path data, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "--data";
        full[1] = data.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ConchCommand.run(full, Map.of(), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
