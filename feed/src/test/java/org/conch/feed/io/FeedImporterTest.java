package org.conch.feed.io;

import org.conch.feed.FeedState;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.io.FeedImporter.ImportSummary;
import org.conch.feed.io.FeedImporter.LineReport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FeedImporterTest {
    private final TestFeed alice = new TestFeed(1);
    private final TestFeed bob = new TestFeed(2);
    private final InMemoryFeedStore store = new InMemoryFeedStore();

    @Test
    void stores_every_valid_message_of_feeds_mixed_in_log_order() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            lines.add(TestFeed.line(alice.next("a" + i)));
            Message b = bob.next("b" + i);
            lines.add(TestFeed.kvtLine(b.key().toString(), b));
        }

        ImportSummary summary = importLines(lines);

        assertThat(summary).isEqualTo(new ImportSummary(10, 10, 0, 0, 0, List.of()));
        assertThat(store.state(alice.id())).map(FeedState::sequence).contains(5L);
        assertThat(store.state(bob.id())).map(FeedState::sequence).contains(5L);
    }

    @Test
    void importing_the_same_file_twice_stores_nothing_the_second_time() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            lines.add(TestFeed.line(alice.next("a" + i)));
            lines.add(TestFeed.line(bob.next("b" + i)));
        }

        ImportSummary first = importLines(lines);
        ImportSummary second = importLines(lines);

        assertThat(first.stored()).isEqualTo(8);
        assertThat(second).isEqualTo(new ImportSummary(8, 0, 8, 0, 0, List.of()));
        assertThat(store.messageCount()).isEqualTo(8);
    }

    @Test
    void a_conflicting_message_is_recorded_as_a_fork_and_the_feed_is_kept() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        importLines(List.of(TestFeed.line(a1), TestFeed.line(a2)));
        Message a2Fork = alice.signAfter(a1, "another a2");

        List<LineReport> forks = new ArrayList<>();
        ImportSummary summary = importLines(List.of(TestFeed.line(a2Fork)), new FeedImporter.Listener() {
            @Override
            public void forked(LineReport fork) {
                forks.add(fork);
            }
        });

        assertThat(summary.forks()).isEqualTo(1);
        assertThat(summary.stored()).isZero();
        assertThat(forks).singleElement().satisfies(fork -> {
            assertThat(fork.line()).isEqualTo(1);
            assertThat(fork.reason()).contains(alice.id() + ":2");
        });
        assertThat(store.forks(alice.id())).extracting(f -> f.key()).containsExactly(a2Fork.key());
        assertThat(store.state(alice.id())).contains(FeedState.of(a2));
    }

    @Test
    void importing_a_fork_again_records_it_once_and_stores_nothing() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        Message a2Fork = alice.signAfter(a1, "another a2");
        List<String> lines = List.of(TestFeed.line(a1), TestFeed.line(a2), TestFeed.line(a2Fork));

        importLines(lines);
        ImportSummary again = importLines(lines);

        assertThat(again.stored()).isZero();
        assertThat(store.forks(alice.id())).hasSize(1);
        assertThat(store.messageCount()).isEqualTo(2);
    }

    @Test
    void a_message_after_a_gap_is_refused_with_its_line_and_reason() throws IOException {
        Message a1 = alice.next("a1");
        alice.next("a2");
        Message a3 = alice.next("a3");

        List<LineReport> refused = new ArrayList<>();
        ImportSummary summary = importLines(List.of(TestFeed.line(a1), "", TestFeed.line(a3)), new FeedImporter.Listener() {
            @Override
            public void refused(LineReport refusal) {
                refused.add(refusal);
            }
        });

        assertThat(summary.stored()).isEqualTo(1);
        assertThat(summary.refused()).isEqualTo(1);
        assertThat(summary.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.line()).isEqualTo(3);
            assertThat(refusal.reason()).isEqualTo(alice.id() + ":3: sequence does not follow the feed's latest (expected 2)");
        });
        assertThat(refused).isEqualTo(summary.refusals());
    }

    @Test
    void invalid_lines_are_refused_and_the_rest_is_stored() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        Message b1 = bob.next("b1");

        ImportSummary summary = importLines(List.of(
                TestFeed.line(a1),
                TestFeed.tamperedSignatureLine(a2),
                "{oops",
                TestFeed.kvtLine(a1.key().toString(), b1),
                TestFeed.line(a2)));

        assertThat(summary.stored()).isEqualTo(2);
        assertThat(summary.refusals()).extracting(LineReport::line).containsExactly(2L, 3L, 4L);
        assertThat(summary.refusals().get(0).reason()).contains("signature does not verify");
        assertThat(summary.refusals().get(1).reason()).startsWith("not valid JSON");
        assertThat(summary.refusals().get(2).reason()).contains("is not the message's id");
        assertThat(summary.processed()).isEqualTo(summary.stored() + summary.duplicates() + summary.forks() + summary.refused());
    }

    @Test
    void a_predecessor_earlier_in_the_file_lets_its_successor_in_across_batches() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 7; i++) lines.add(TestFeed.line(alice.next("a" + i)));

        // Batches of two: each message's predecessor was in the same or an earlier batch.
        ImportSummary summary = new FeedImporter(store, SignCap.NONE, 2, 2)
                .importFrom(new StringReader(String.join("\n", lines)), new FeedImporter.Listener() {
                });

        assertThat(summary.stored()).isEqualTo(7);
        assertThat(store.state(alice.id())).map(FeedState::sequence).contains(7L);
    }

    @Test
    void progress_is_reported_after_each_batch_up_to_the_total() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 5; i++) lines.add(TestFeed.line(alice.next("a" + i)));
        List<long[]> progress = new ArrayList<>();

        new FeedImporter(store, SignCap.NONE, 2, 2).importFrom(new StringReader(String.join("\n", lines)),
                new FeedImporter.Listener() {
                    @Override
                    public void progress(long processed, long stored) {
                        progress.add(new long[]{processed, stored});
                    }
                });

        assertThat(progress).extracting(p -> p[0]).containsExactly(2L, 4L, 5L);
        assertThat(progress).extracting(p -> p[1]).containsExactly(2L, 4L, 5L);
    }

    private ImportSummary importLines(List<String> lines) throws IOException {
        return importLines(lines, new FeedImporter.Listener() {
        });
    }

    private ImportSummary importLines(List<String> lines, FeedImporter.Listener listener) throws IOException {
        return new FeedImporter(store, SignCap.NONE, 2, 3).importFrom(new StringReader(String.join("\n", lines) + "\n"), listener);
    }
}
