package org.conch.feed.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the JavaScript reference (scripts/interop, pinned in its package-lock.json) with Node. The
 * packages are installed by scripts/test; a run without them fails with that advice rather than
 * passing silently.
 */
public final class NodeReference {
    private NodeReference() {
    }

    public static Path interopDirectory() {
        String configured = System.getProperty("conch.interop");
        Path dir = configured != null && !configured.isBlank()
                ? Paths.get(configured)
                : Paths.get("").toAbsolutePath().getParent().resolve("scripts/interop");
        return dir.toAbsolutePath().normalize();
    }

    /** Runs {@code node SCRIPT ARGS…} in scripts/interop and returns its stdout lines. */
    public static List<String> run(String script, String... args) throws IOException, InterruptedException {
        Path dir = interopDirectory();
        assertThat(dir.resolve("node_modules"))
                .as("the JavaScript reference is not installed: run scripts/test (or npm ci in %s)", dir)
                .isDirectory();
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("conch-node", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            List<String> lines = new ArrayList<>();
            try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            }
            boolean finished = process.waitFor(5, TimeUnit.MINUTES);
            assertThat(finished).as("node %s finished", script).isTrue();
            assertThat(process.exitValue())
                    .as("node %s exit code; its stderr: %s", script, Files.readString(stderr))
                    .isZero();
            return lines;
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}
