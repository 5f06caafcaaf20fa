package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.MessageId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The message bodies: an append-only log in segment files, the single source of truth of the store (H2
 * holds only indexes into it). A record is {@code [u32 length][u32 CRC32C of payload][payload]}; its
 * payload holds what building the indexes needs without hashing again:
 * {@code [u64 log position][f64 received at][32 bytes message id][32 bytes author key][u64 sequence][compact JSON, UTF-8]}.
 *
 * <p>A record is addressed by its offset: its byte position counted over all segments. A segment is named
 * by the offset of its first byte ({@code 00000000000067108864.log}); a new one starts when the next batch
 * would take the current one past the segment size. Each batch is one write and one {@code force}, so it is
 * durable when {@link #append} returns. A crash mid-batch leaves a torn tail: opening cuts the tail segment
 * at its first record that is incomplete or fails its CRC, and logs what it cut.
 *
 * <p>One appender at a time (the store's writer); reads at any offset below {@link #end()} from any thread.
 */
final class MessageLog implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MessageLog.class);
    static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    static final int FRAME_BYTES = 8;
    /** Log position, received at, id, author, sequence. */
    static final int PAYLOAD_HEADER_BYTES = 8 + 8 + 32 + 32 + 8;
    /** No record is larger: a message is at most 8 KiB of JSON; a larger length is damage, not data. */
    static final int MAX_PAYLOAD_BYTES = 1 << 20;
    private static final String SUFFIX = ".log";
    private static final int SCAN_BUFFER_BYTES = 1 << 20;

    /** One message as the log holds it. */
    record Entry(long logSequence, double receivedAt, MessageId key, FeedId author, long sequence, byte[] json) {
        static Entry of(long logSequence, double receivedAt, Message message) {
            return new Entry(logSequence, receivedAt, message.key(), message.author(), message.sequence(), message.compactUtf8());
        }

        /** The message, its JSON parsed only when something asks for its value. */
        Message message() {
            return Message.fromStore(key, author, sequence, json);
        }

        StoredMessage stored() {
            return new StoredMessage(logSequence, message(), receivedAt);
        }

        int recordBytes() {
            return FRAME_BYTES + PAYLOAD_HEADER_BYTES + json.length;
        }
    }

    /** Called for each record of a scan with its offset. */
    interface Visitor {
        void visit(long offset, Entry entry);
    }

    /** Damage found by {@link #verify}: a record at {@code offset} that cannot be read. */
    record Damage(long offset, String what) {
    }

    private final Path directory;
    private final long segmentBytes;
    /** Segments by the offset of their first byte; the last one is appended to. Readers walk it while the appender adds one. */
    private final ConcurrentSkipListMap<Long, FileChannel> segments = new ConcurrentSkipListMap<>();
    /** The offset past the last durable record: reads below it are safe. */
    private volatile long end;

    /** Held while the log is open: a second appender would interleave its records with ours. */
    private FileChannel lockFile;
    private FileLock lock;

    private MessageLog(Path directory, long segmentBytes) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
    }

    /** Opens (creating it if need be) the log in {@code directory}, cutting a torn tail. */
    static MessageLog open(Path directory, long segmentBytes) {
        MessageLog log = new MessageLog(directory, segmentBytes);
        try {
            Files.createDirectories(directory);
            log.lockFile = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                log.lock = log.lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                log.lock = null; // held by this very process
            }
            if (log.lock == null) throw new StoreException("the message log in " + directory + " is in use by another conch process");
            List<Long> bases = new ArrayList<>();
            try (Stream<Path> files = Files.list(directory)) {
                files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(SUFFIX))
                        .forEach(name -> bases.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length()))));
            }
            bases.sort(null);
            if (bases.isEmpty()) bases.add(0L);
            long expectedBase = bases.get(0);
            for (int i = 0; i < bases.size(); i++) {
                long base = bases.get(i);
                if (base != expectedBase) {
                    throw new StoreException("the log in " + directory + " has a hole: segment " + name(base)
                            + " follows one that ends at " + expectedBase);
                }
                boolean tail = i == bases.size() - 1;
                FileChannel channel = tail
                        ? FileChannel.open(log.segmentPath(base), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                        : FileChannel.open(log.segmentPath(base), StandardOpenOption.READ);
                log.segments.put(base, channel);
                long size = tail ? log.cutTornTail(base, channel) : channel.size();
                expectedBase = base + size;
            }
            log.end = expectedBase;
            return log;
        } catch (IOException | RuntimeException e) {
            log.closeQuietly();
            if (e instanceof StoreException store) throw store;
            throw new StoreException("cannot open the message log in " + directory + ": " + e.getMessage(), e);
        }
    }

    private Path segmentPath(long base) {
        return directory.resolve(name(base));
    }

    private static String name(long base) {
        return String.format("%020d%s", base, SUFFIX);
    }

    /**
     * Cuts a torn end off the tail segment: a partial record, a length that cannot be true, or a last record
     * whose CRC fails (a crash let only part of the last batch reach the disk). A record whose CRC fails with
     * whole records after it is damage, not a torn write: it is kept for fsck to report, and the rest with it.
     * Returns the size kept.
     */
    private long cutTornTail(long base, FileChannel channel) throws IOException {
        long size = channel.size();
        Stop stop = walkSegment(channel, 0, size, (position, bytes, payloadAt, length, crcMatches) -> {
            if (crcMatches) return null;
            if (position + FRAME_BYTES + length == size) return "a last record whose CRC does not match";
            LOG.atWarn().addKeyValue("offset", base + position)
                    .log("message log: the record at offset {} is damaged (its CRC does not match); conch fsck reports it", base + position);
            return null;
        });
        if (stop.trouble() != null) {
            LOG.atWarn().addKeyValue("segment", name(base)).addKeyValue("cut_bytes", size - stop.position())
                    .log("message log: cut {} bytes at the end of {} ({}), the rest of a write a crash interrupted",
                            size - stop.position(), name(base), stop.trouble());
            channel.truncate(stop.position());
            channel.force(true);
        }
        return stop.position();
    }

    /** The offset past the last record. */
    long end() {
        return end;
    }

    /**
     * Appends the entries in one write and makes them durable before returning their offsets. The whole
     * batch goes to one segment: a new one when it would take the current one past the segment size.
     */
    long[] append(List<Entry> entries) {
        if (entries.isEmpty()) return new long[0];
        int total = 0;
        for (Entry entry : entries) total += entry.recordBytes();
        ByteBuffer buffer = ByteBuffer.allocate(total);
        long[] offsets = new long[entries.size()];
        long start = end;
        try {
            Map.Entry<Long, FileChannel> tail = segments.lastEntry();
            if (start > tail.getKey() && start - tail.getKey() + total > segmentBytes) {
                tail = Map.entry(start, roll(start));
            }
            long offset = start;
            for (int i = 0; i < entries.size(); i++) {
                offsets[i] = offset;
                offset += encode(entries.get(i), buffer);
            }
            buffer.flip();
            FileChannel channel = tail.getValue();
            long position = start - tail.getKey();
            while (buffer.hasRemaining()) position += channel.write(buffer, position);
            channel.force(false);
        } catch (IOException e) {
            throw new StoreException("writing " + entries.size() + " messages to the log in " + directory + " failed: " + e.getMessage(), e);
        }
        end = start + total;
        return offsets;
    }

    private FileChannel roll(long base) throws IOException {
        FileChannel channel = FileChannel.open(segmentPath(base), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        segments.put(base, channel);
        // The new file's name must survive a crash too.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not every platform opens a directory; the file's own force still holds its data
        }
        return channel;
    }

    private static int encode(Entry entry, ByteBuffer out) {
        int payload = PAYLOAD_HEADER_BYTES + entry.json().length;
        int start = out.position();
        out.putInt(payload).putInt(0);
        out.putLong(entry.logSequence()).putDouble(entry.receivedAt()).put(entry.key().bytes()).put(entry.author().bytes())
                .putLong(entry.sequence()).put(entry.json());
        out.putInt(start + 4, crcOf(out.array(), start + FRAME_BYTES, payload));
        return FRAME_BYTES + payload;
    }

    /** The record at {@code offset}. */
    Entry read(long offset) {
        if (offset < 0 || offset >= end) throw new StoreException("no record at offset " + offset + " of the log (it ends at " + end + ")");
        Map.Entry<Long, FileChannel> segment = segments.floorEntry(offset);
        try {
            ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
            readFully(segment.getValue(), frame, offset - segment.getKey());
            int length = frame.getInt(0);
            if (length < PAYLOAD_HEADER_BYTES || length > MAX_PAYLOAD_BYTES) {
                throw new StoreException("damaged record at offset " + offset + " of the log: length " + length);
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(segment.getValue(), payload, offset - segment.getKey() + FRAME_BYTES);
            if (crcOf(payload.array(), 0, length) != frame.getInt(4)) {
                throw new StoreException("damaged record at offset " + offset + " of the log: its CRC does not match");
            }
            return decode(payload.array(), 0, length);
        } catch (IOException e) {
            throw new StoreException("reading the log at offset " + offset + " failed: " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) throw new IOException("unexpected end of segment at " + position);
            position += read;
        }
    }

    private static int crcOf(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    private static Entry decode(byte[] bytes, int from, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
        long logSequence = in.getLong();
        double receivedAt = in.getDouble();
        byte[] key = new byte[32];
        in.get(key);
        byte[] author = new byte[32];
        in.get(author);
        long sequence = in.getLong();
        byte[] json = new byte[in.remaining()];
        in.get(json);
        return new Entry(logSequence, receivedAt, MessageId.of(key), FeedId.of(author), sequence, json);
    }

    /**
     * Calls {@code visitor} for every record from {@code fromOffset} (a record's offset, or {@link #end()})
     * to the end, in order. A damaged record stops the scan with a {@link StoreException}.
     */
    void scan(long fromOffset, Visitor visitor) {
        long end = this.end;
        for (Map.Entry<Long, FileChannel> segment : segments.tailMap(segments.floorKey(Math.max(0, fromOffset)), true).entrySet()) {
            long base = segment.getKey();
            long segmentEnd = Math.min(end, segments.higherKey(base) == null ? end : segments.higherKey(base));
            long from = Math.max(fromOffset, base) - base;
            try {
                scanSegment(base, segment.getValue(), from, segmentEnd - base, visitor, (offset, what) -> {
                    throw new StoreException("damaged record at offset " + offset + " of the log: " + what + "; fsck --repair cannot mend the log itself");
                });
            } catch (IOException e) {
                throw new StoreException("reading the log in " + directory + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Reads every record and reports those that cannot be read, going on past a record whose CRC fails
     * (its length still says where the next one starts); a length that cannot be true ends the segment.
     */
    List<Damage> verify() {
        return verify((offset, entry) -> { });
    }

    /** {@link #verify()}, telling {@code readable} of every record that can be read, in order. */
    List<Damage> verify(Visitor readable) {
        List<Damage> damage = new ArrayList<>();
        long end = this.end;
        for (Map.Entry<Long, FileChannel> segment : segments.entrySet()) {
            long base = segment.getKey();
            Long next = segments.higherKey(base);
            long segmentEnd = next == null ? end : next;
            long position = 0;
            FileChannel channel = segment.getValue();
            try {
                while (base + position < segmentEnd) {
                    long offset = base + position;
                    if (segmentEnd - offset < FRAME_BYTES) {
                        damage.add(new Damage(offset, "a partial record header"));
                        break;
                    }
                    ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
                    readFully(channel, frame, position);
                    int length = frame.getInt(0);
                    if (length < PAYLOAD_HEADER_BYTES || length > MAX_PAYLOAD_BYTES || offset + FRAME_BYTES + length > segmentEnd) {
                        damage.add(new Damage(offset, "a record length of " + length + " that cannot be right; the rest of the segment is unreadable"));
                        break;
                    }
                    ByteBuffer payload = ByteBuffer.allocate(length);
                    readFully(channel, payload, position + FRAME_BYTES);
                    if (crcOf(payload.array(), 0, length) != frame.getInt(4)) damage.add(new Damage(offset, "the record's CRC does not match"));
                    else readable.visit(offset, decode(payload.array(), 0, length));
                    position += FRAME_BYTES + length;
                }
            } catch (IOException e) {
                damage.add(new Damage(base + position, "cannot be read: " + e.getMessage()));
            }
        }
        return damage;
    }

    private interface Trouble {
        void at(long offset, String what);
    }

    /** Reads the records of one segment between two positions in it; stops at the first that is incomplete or fails its CRC. */
    private static void scanSegment(long base, FileChannel channel, long from, long to, Visitor visitor, Trouble trouble) throws IOException {
        Stop stop = walkSegment(channel, from, to, (position, bytes, payloadAt, length, crcMatches) -> {
            if (!crcMatches) return "a record whose CRC does not match";
            visitor.visit(base + position, decode(bytes, payloadAt, length));
            return null;
        });
        if (stop.trouble() != null) trouble.at(base + stop.position(), stop.trouble());
    }

    /** One whole record met by {@link #walkSegment}; returns why to stop there, or null to go on. */
    private interface RecordHandler {
        String record(long position, byte[] bytes, int payloadAt, int length, boolean crcMatches);
    }

    /** Where a walk stopped (a position in the segment) and why: null when it reached its end. */
    private record Stop(long position, String trouble) {
    }

    /**
     * Walks the records of one segment from {@code from} to {@code to} in large reads (two reads a record made
     * opening a store with a full tail segment take a third of a second), handing each whole one to
     * {@code handler}; stops at a partial header, a length that cannot be true, a partial record, or where the
     * handler says.
     */
    private static Stop walkSegment(FileChannel channel, long from, long to, RecordHandler handler) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SCAN_BUFFER_BYTES);
        buffer.limit(0);
        long position = from; // of buffer's first unread byte, in the segment
        while (position < to) {
            if (buffer.remaining() < FRAME_BYTES && !refill(channel, buffer, position, to, FRAME_BYTES)) {
                return new Stop(position, "a partial record header");
            }
            int length = buffer.getInt(buffer.position());
            if (length < PAYLOAD_HEADER_BYTES || length > MAX_PAYLOAD_BYTES) {
                return new Stop(position, "a record length of " + length);
            }
            if (buffer.remaining() < FRAME_BYTES + length) {
                if (buffer.capacity() < FRAME_BYTES + length) buffer = grow(buffer, FRAME_BYTES + length);
                if (!refill(channel, buffer, position, to, FRAME_BYTES + length)) {
                    return new Stop(position, "a partial record");
                }
            }
            int at = buffer.position();
            boolean crcMatches = crcOf(buffer.array(), at + FRAME_BYTES, length) == buffer.getInt(at + 4);
            String trouble = handler.record(position, buffer.array(), at + FRAME_BYTES, length, crcMatches);
            if (trouble != null) return new Stop(position, trouble);
            buffer.position(at + FRAME_BYTES + length);
            position += FRAME_BYTES + length;
        }
        return new Stop(position, null);
    }

    /** Moves the unread bytes to the front and reads more, up to {@code to}; false when fewer than {@code needed} are there. */
    private static boolean refill(FileChannel channel, ByteBuffer buffer, long position, long to, int needed) throws IOException {
        buffer.compact();
        long readFrom = position + buffer.position();
        int room = (int) Math.min(buffer.remaining(), to - readFrom);
        buffer.limit(buffer.position() + Math.max(0, room));
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, readFrom);
            if (read < 0) break;
            readFrom += read;
        }
        buffer.flip();
        return buffer.remaining() >= needed;
    }

    private static ByteBuffer grow(ByteBuffer buffer, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(buffer);
        bigger.flip();
        return bigger;
    }

    /** Segment files, oldest first (for tests and fsck). */
    List<Path> segmentFiles() {
        return segments.keySet().stream().map(this::segmentPath).toList();
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        for (FileChannel channel : segments.values()) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing is written at close: every batch was forced when it was appended
            }
        }
        segments.clear();
        try {
            if (lock != null) lock.release();
            if (lockFile != null) lockFile.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
