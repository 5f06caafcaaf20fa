package org.conch.feed.store;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.store.MessageLog.Entry;
import org.conch.feed.testing.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.conch.feed.store.H2FeedStoreTest.seed;

/** The message log: records come back as written, segments roll, a torn tail is cut, damage is found. */
class MessageLogTest {
    private static final List<Message> FEED = Messages.chain(Identity.fromSeed(seed(1)), 6);

    @TempDir
    Path dir;

    private static List<Entry> entries(int from, int to) {
        List<Entry> entries = new ArrayList<>();
        for (int i = from; i < to; i++) entries.add(Entry.of(i + 1, 1.7e12 + i, FEED.get(i)));
        return entries;
    }

    private static List<Entry> scanAll(MessageLog log) {
        List<Entry> read = new ArrayList<>();
        log.scan(0, (offset, entry) -> read.add(entry));
        return read;
    }

    private static void assertSame(List<Entry> read, List<Entry> written) {
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < read.size(); i++) {
            Entry a = read.get(i);
            Entry b = written.get(i);
            assertThat(a.logSequence()).isEqualTo(b.logSequence());
            assertThat(a.receivedAt()).isEqualTo(b.receivedAt());
            assertThat(a.key()).isEqualTo(b.key());
            assertThat(a.author()).isEqualTo(b.author());
            assertThat(a.sequence()).isEqualTo(b.sequence());
            assertThat(a.json()).isEqualTo(b.json());
            assertThat(a.message().value()).isEqualTo(FEED.get((int) a.sequence() - 1).value());
        }
    }

    @Test
    void recordsAreReadBackByOffsetAndInOrderAfterReopening() {
        List<Entry> written = entries(0, 6);
        long[] offsets;
        try (MessageLog log = MessageLog.open(dir, MessageLog.DEFAULT_SEGMENT_BYTES)) {
            offsets = log.append(written.subList(0, 4));
            long[] more = log.append(written.subList(4, 6));
            assertThat(more[0]).isEqualTo(log.end() - written.get(4).recordBytes() - written.get(5).recordBytes());
            assertThat(log.read(more[1]).key()).isEqualTo(FEED.get(5).key());
        }
        try (MessageLog log = MessageLog.open(dir, MessageLog.DEFAULT_SEGMENT_BYTES)) {
            assertSame(scanAll(log), written);
            assertThat(log.read(offsets[2]).sequence()).isEqualTo(3);
            List<Long> fromThird = new ArrayList<>();
            log.scan(offsets[2], (offset, entry) -> fromThird.add(entry.logSequence()));
            assertThat(fromThird).containsExactly(3L, 4L, 5L, 6L);
            assertThat(log.verify()).isEmpty();
        }
    }

    @Test
    void aBatchThatWouldOverfillTheSegmentStartsTheNextOneNamedByItsOffset() {
        List<Entry> written = entries(0, 6);
        int twoRecords = written.get(0).recordBytes() + written.get(1).recordBytes();
        try (MessageLog log = MessageLog.open(dir, twoRecords + 10)) {
            log.append(written.subList(0, 2));
            long[] third = log.append(written.subList(2, 3));
            log.append(written.subList(3, 6)); // larger than a segment: a segment of its own
            assertThat(third[0]).isEqualTo(twoRecords);
            assertThat(log.segmentFiles()).extracting(path -> path.getFileName().toString())
                    .containsExactly("00000000000000000000.log", String.format("%020d.log", twoRecords),
                            String.format("%020d.log", twoRecords + written.get(2).recordBytes()));
            assertThat(log.read(third[0]).sequence()).isEqualTo(3);
        }
        try (MessageLog log = MessageLog.open(dir, twoRecords + 10)) {
            assertSame(scanAll(log), written);
        }
    }

    @Test
    void aTornLastRecordIsCutWhereverTheWriteStoppedAndTheLogGoesOnFromThere() throws IOException {
        List<Entry> written = entries(0, 3);
        long lastStart;
        long end;
        try (MessageLog log = MessageLog.open(dir, MessageLog.DEFAULT_SEGMENT_BYTES)) {
            lastStart = log.append(written)[2];
            end = log.end();
        }
        Path segment = dir.resolve("00000000000000000000.log");
        byte[] whole = Files.readAllBytes(segment);
        for (long cut = lastStart + 1; cut < end; cut++) {
            Files.write(segment, java.util.Arrays.copyOf(whole, (int) cut));
            try (MessageLog log = MessageLog.open(dir, MessageLog.DEFAULT_SEGMENT_BYTES)) {
                assertThat(log.end()).as("torn at %d", cut).isEqualTo(lastStart);
                assertSame(scanAll(log), written.subList(0, 2));
                long again = log.append(written.subList(2, 3))[0];
                assertThat(again).isEqualTo(lastStart);
            }
            assertThat(Files.readAllBytes(segment)).isEqualTo(whole);
        }
    }

    @Test
    void aLastRecordWhoseCrcFailsIsCutButOneWithRecordsAfterItIsKeptForFsck() throws IOException {
        List<Entry> written = entries(0, 3);
        long[] offsets;
        try (MessageLog log = MessageLog.open(dir, MessageLog.DEFAULT_SEGMENT_BYTES)) {
            offsets = log.append(written);
        }
        Path segment = dir.resolve("00000000000000000000.log");
        flipByte(segment, offsets[2] + 40);
        try (MessageLog log = MessageLog.open(dir, MessageLog.DEFAULT_SEGMENT_BYTES)) {
            assertThat(log.end()).isEqualTo(offsets[2]);
            log.append(written.subList(2, 3));
        }
        flipByte(segment, offsets[1] + 60);
        long end;
        try (MessageLog log = MessageLog.open(dir, MessageLog.DEFAULT_SEGMENT_BYTES)) {
            end = log.end();
            assertThat(log.read(offsets[2]).sequence()).isEqualTo(3);
            assertThat(log.verify()).extracting(MessageLog.Damage::offset).containsExactly(offsets[1]);
        }
        assertThat(Files.size(segment)).isEqualTo(end);
    }

    @Test
    void damageInAnOlderSegmentIsReportedByVerifyAndStopsAScan() throws IOException {
        List<Entry> written = entries(0, 4);
        int twoRecords = written.get(0).recordBytes() + written.get(1).recordBytes();
        long[] offsets;
        try (MessageLog log = MessageLog.open(dir, twoRecords)) {
            offsets = log.append(written.subList(0, 2));
            log.append(written.subList(2, 4));
        }
        flipByte(dir.resolve("00000000000000000000.log"), offsets[1] + 50);
        try (MessageLog log = MessageLog.open(dir, twoRecords)) {
            assertThat(log.verify()).singleElement().satisfies(damage -> {
                assertThat(damage.offset()).isEqualTo(offsets[1]);
                assertThat(damage.what()).contains("CRC");
            });
            assertThatThrownBy(() -> log.read(offsets[1])).isInstanceOf(StoreException.class).hasMessageContaining("CRC");
            assertThatThrownBy(() -> scanAll(log)).isInstanceOf(StoreException.class).hasMessageContaining("offset " + offsets[1]);
            assertThat(log.read(offsets[0]).sequence()).isEqualTo(1);
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x5a));
            one.rewind();
            channel.write(one, position);
        }
    }
}
