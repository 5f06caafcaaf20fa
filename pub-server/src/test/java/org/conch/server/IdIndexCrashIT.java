package org.conch.server;

import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreCheck;
import org.conch.server.config.DataDirectory;
import org.conch.testing.ConchProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL while the store moves message ids into their index. {@code conch publish --from} runs with index
 * batches far smaller than in use (64 rows, 150 ids: the {@link DataDirectory#KEY_INDEX_BATCH_PROPERTY} test
 * settings), so its index thread writes an id batch after nearly every row batch; each run is killed right after
 * a seeded-random number of its printed keys (each printed only once durable), which lands during an id batch or
 * just after one. After every kill the checks of `conch fsck` must find the store healthy (ids indexed, every feed valid) and
 * every acknowledged message must be found by its id. The seed is printed; {@code -Dconch.crash.seed=N} repeats a run.
 */
class IdIndexCrashIT {
    private static final int CONTENTS = 6_000;
    private static final int KILLS = 3;

    @TempDir
    Path work;

    @Test
    void aKillDuringOrRightAfterAnIdIndexBatchLosesNoAcknowledgedId() throws Exception {
        long seed = Long.getLong("conch.crash.seed", System.nanoTime());
        System.out.println("IdIndexCrashIT seed " + seed + " (-Dconch.crash.seed=" + seed + " repeats this run)");
        SplittableRandom random = new SplittableRandom(seed);
        Path contents = work.resolve("contents.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < CONTENTS; i++) lines.add("{\"type\":\"post\",\"text\":\"post " + i + "\"}");
        Files.write(contents, lines);
        Path data = work.resolve("data");
        ConchProcess conch = new ConchProcess(work, List.of(
                "-D" + DataDirectory.INDEX_BATCH_PROPERTY + "=64", "-D" + DataDirectory.KEY_INDEX_BATCH_PROPERTY + "=150"));
        conch.run("--data", data.toString(), "init");

        List<MessageId> acknowledged = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            // the first run dies right after its first acknowledged key, the others somewhere further on
            int keysBeforeKill = kill == 1 ? 1 : 1 + random.nextInt(CONTENTS / 2);
            Process publishing = conch.startServer(List.of("--data", data.toString(), "publish", "--from", contents.toString()));
            int read = 0;
            try (BufferedReader keys = publishing.inputReader(StandardCharsets.UTF_8)) {
                String key;
                while (read < keysBeforeKill && (key = keys.readLine()) != null) {
                    acknowledged.add(MessageId.parse(key.strip()));
                    read++;
                }
                publishing.destroyForcibly(); // SIGKILL on Linux
                assertThat(publishing.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(publishing.exitValue()).as("kill %d (seed %d) landed while publishing went on", kill, seed).isEqualTo(137);
            assertThat(read).as("kill %d (seed %d): keys printed before it; log: %s", kill, seed, conch.serveLog())
                    .isEqualTo(keysBeforeKill);
            System.out.println("IdIndexCrashIT kill " + kill + " after " + read + " keys of the run, " + acknowledged.size() + " in all");
            checkStore(data, acknowledged, "kill " + kill + " (seed " + seed + ")");
        }
    }

    /** What `conch fsck` checks (its code, in this JVM), and every acknowledged message found by its id. */
    private static void checkStore(Path data, List<MessageId> acknowledged, String after) {
        try (H2FeedStore store = H2FeedStore.open(data.resolve("store"))) {
            StoreCheck.Report report = StoreCheck.run(store, SignCap.NONE, checked -> { });
            assertThat(report.problems()).as("problems after %s", after).isEmpty();
            assertThat(report.healthy()).isTrue();
            assertThat(report.messages()).isGreaterThanOrEqualTo(acknowledged.size());
            for (int i = 0; i < acknowledged.size(); i++) {
                assertThat(store.get(acknowledged.get(i))).as("acknowledged message %d by its id after %s", i + 1, after).isPresent();
            }
        }
    }
}
