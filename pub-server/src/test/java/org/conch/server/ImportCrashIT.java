package org.conch.server;

import org.conch.feed.MessageId;
import org.conch.feed.MessageValidator;
import org.conch.feed.json.Json;
import org.conch.feed.store.H2FeedStore;
import org.conch.testing.SyntheticFeeds;
import org.conch.testing.ConchProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills {@code conch import} with SIGKILL in the middle of a large import, several times, and checks
 * after each restart that the store lost nothing the import had acknowledged (its progress lines
 * are printed only after a batch is durable) and that `conch fsck` finds every feed valid from sequence 1.
 */
class ImportCrashIT {
    private static final int MESSAGES = 60_000;
    private static final int FEEDS = 30;
    private static final int KILLS = 3;
    private static final Pattern PROGRESS = Pattern.compile("conch: import: ([0-9,]+) messages? processed");

    @TempDir
    Path work;

    @Test
    void aKilledImportLosesNothingAcknowledgedAndLeavesEveryFeedValid() throws Exception {
        Path file = work.resolve("feeds.jsonl");
        SyntheticFeeds.write(file, MESSAGES, FEEDS, progress -> { });
        List<MessageId> keys = keysOf(file);
        Path data = work.resolve("data");
        assertThat(conch("--data", data.toString(), "init").waitFor()).isZero();

        long acknowledgedBefore = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            Process importing = conchImport(data, file);
            long acknowledged = acknowledgedBefore;
            try (BufferedReader stderr = importing.errorReader(StandardCharsets.UTF_8)) {
                // Kill right after the kill-th progress line of this run, while the next batch is being written.
                int progressLines = 0;
                String line;
                while ((line = stderr.readLine()) != null) {
                    Matcher progress = PROGRESS.matcher(line);
                    if (progress.find()) {
                        acknowledged = Math.max(acknowledged, Long.parseLong(progress.group(1).replace(",", "")));
                        if (++progressLines == kill) break;
                    }
                }
                importing.destroyForcibly(); // SIGKILL on Linux
                assertThat(importing.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(acknowledged).as("import %d acknowledged messages before the kill", kill).isGreaterThan(acknowledgedBefore);
            checkStore(data, keys, acknowledged);
            acknowledgedBefore = acknowledged;
        }

        Process finish = conchImport(data, file);
        finish.errorReader(StandardCharsets.UTF_8).transferTo(java.io.Writer.nullWriter());
        assertThat(finish.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(finish.exitValue()).isZero();
        checkStore(data, keys, MESSAGES);
        try (H2FeedStore store = H2FeedStore.open(data.resolve("store"))) {
            assertThat(store.messageCount()).isEqualTo(MESSAGES);
        }
    }

    /**
     * `conch fsck` finds every stored feed valid from sequence 1 without a gap and every id indexed, and
     * every acknowledged message is stored.
     */
    private static void checkStore(Path data, List<MessageId> keys, long acknowledged) throws Exception {
        Map<String, Object> result = new ConchProcess(data.getParent()).fsckReport(data);
        assertThat(result.get("problems")).as("fsck: %s", result).isEqualTo(List.of());
        assertThat(result.get("healthy")).as("fsck: %s", result).isEqualTo(true);
        assertThat((Double) result.get("messages")).isGreaterThanOrEqualTo((double) acknowledged);
        try (H2FeedStore store = H2FeedStore.open(data.resolve("store"))) {
            for (int i = 0; i < acknowledged; i++) {
                assertThat(store.get(keys.get(i))).as("acknowledged message on line %d", i + 1).isPresent();
            }
        }
    }

    private static List<MessageId> keysOf(Path file) throws IOException {
        List<MessageId> keys = new ArrayList<>(MESSAGES);
        for (String line : Files.readAllLines(file)) {
            keys.add(MessageValidator.idOf(Json.parseObject(line)));
        }
        return keys;
    }

    private static Process conchImport(Path data, Path file) throws IOException {
        return conch("--data", data.toString(), "import", file.toString());
    }

    private static Process conch(String... args) throws IOException {
        Path jar = Paths.get("target", "conch.jar").toAbsolutePath();
        assertThat(jar).as("the conch jar is built in the package phase, before integration tests").exists();
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
