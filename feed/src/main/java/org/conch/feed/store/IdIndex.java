package org.conch.feed.store;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The id index: which log positions hold a message whose id starts with given 8 bytes. Ids are random,
 * and a B-tree of them (H2's, which held them before) rewrote pages all over the tree for every id: 20-50
 * CPU-us an id on the build machine, more than the signature check, and growing with the store. Here ids
 * go in sorted runs, immutable files written once in one sequential pass, and runs of like size are merged
 * into one (as a log-structured merge tree does), so a lookup binary-searches a few memory-mapped files.
 *
 * <p>A run covers the ids of the log positions {@code from..through}; runs cover the log from position 1
 * without gaps, and how far they reach is how far ids are indexed. A run is written to a temporary file,
 * synced and renamed into place, so after a crash a run is whole or absent; a run whose CRC does not match
 * is dropped, and so is any run past a gap, and the store indexes those positions again from its H2 rows.
 *
 * <p>File: {@code ids-FROM-THROUGH.run} (16 hex digits each); the magic {@code CONCHIDS}, the entry count
 * (8 bytes), the entries (prefix, position: 8 bytes each, big-endian) ordered by prefix then position, and
 * the CRC32C of everything before it (4 bytes).
 *
 * <p>One writer (the store's index thread, or opening); any number of readers, which see a list of runs
 * that is replaced, never changed. Files merged away are deleted while a reader may still hold their
 * mapping, which Linux keeps valid until it is unmapped.
 */
final class IdIndex {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IdIndex.class);
    private static final byte[] MAGIC = {'C', 'O', 'N', 'C', 'H', 'I', 'D', 'S'};
    private static final int HEADER_BYTES = MAGIC.length + Long.BYTES;
    private static final int ENTRY_BYTES = 2 * Long.BYTES;
    private static final int CRC_BYTES = Integer.BYTES;
    /** One mapping holds at most 2 GiB: a run stops growing by merges before that. */
    private static final long MOST_ENTRIES_IN_A_RUN = (Integer.MAX_VALUE - HEADER_BYTES - CRC_BYTES) / ENTRY_BYTES;
    private static final Pattern RUN_NAME = Pattern.compile("ids-([0-9a-f]{16})-([0-9a-f]{16})\\.run");
    private static final String TEMPORARY_SUFFIX = ".tmp";

    /** A message id's first 8 bytes and its log position. */
    record IdPosition(long prefix, long position) {
        static final Comparator<IdPosition> ORDER =
                Comparator.comparingLong(IdPosition::prefix).thenComparingLong(IdPosition::position);
    }

    /** One run file, mapped: entry i is {@code entries.get(2i)} (the prefix) and {@code entries.get(2i + 1)}. */
    private record Run(long from, long through, Path file, LongBuffer entries, long count) {
        long prefixAt(long index) {
            return entries.get((int) (2 * index));
        }

        long positionAt(long index) {
            return entries.get((int) (2 * index + 1));
        }
    }

    private final Path directory;
    /** In log order; replaced whole by the writer. */
    private volatile List<Run> runs;

    private IdIndex(Path directory, List<Run> runs) {
        this.directory = directory;
        this.runs = runs;
    }

    /**
     * The runs in {@code directory} (created if missing). Leftovers of a crash are removed: temporary files,
     * runs a merge already covers, damaged runs and runs past a gap in the coverage.
     */
    static IdIndex open(Path directory) {
        try {
            Files.createDirectories(directory);
            List<Run> found = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    Matcher run = RUN_NAME.matcher(name);
                    if (name.endsWith(TEMPORARY_SUFFIX)) {
                        Files.deleteIfExists(file);
                    } else if (run.matches()) {
                        Run mapped = map(file, Long.parseUnsignedLong(run.group(1), 16), Long.parseUnsignedLong(run.group(2), 16));
                        if (mapped != null) found.add(mapped);
                    }
                }
            }
            // The widest first, so that a merge's inputs left by a crash are seen as covered.
            found.sort(Comparator.comparingLong(Run::from).thenComparing(Comparator.comparingLong(Run::through).reversed()));
            List<Run> kept = new ArrayList<>();
            long covered = 0;
            for (Run run : found) {
                if (run.through() <= covered) {
                    Files.deleteIfExists(run.file()); // inside a run kept: a merge's input
                } else if (run.from() == covered + 1) {
                    kept.add(run);
                    covered = run.through();
                } else {
                    LOG.atWarn().addKeyValue("file", run.file()).log("id index run {} follows a gap; its ids are indexed again", run.file().getFileName());
                    Files.deleteIfExists(run.file());
                }
            }
            return new IdIndex(directory, List.copyOf(kept));
        } catch (IOException e) {
            throw new StoreException("cannot open the id index in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The last log position whose id is indexed (0: none). */
    long indexedThrough() {
        List<Run> current = runs;
        return current.isEmpty() ? 0 : current.get(current.size() - 1).through();
    }

    /** How many runs a lookup searches. */
    int runCount() {
        return runs.size();
    }

    /** The log positions of the indexed messages whose id starts with {@code prefix}, newest run first. */
    List<Long> positionsOf(long prefix) {
        List<Run> current = runs;
        List<Long> positions = new ArrayList<>(1);
        for (int i = current.size() - 1; i >= 0; i--) {
            Run run = current.get(i);
            for (long at = firstAtOrAfter(run, prefix); at < run.count() && run.prefixAt(at) == prefix; at++) {
                positions.add(run.positionAt(at));
            }
        }
        return positions;
    }

    private static long firstAtOrAfter(Run run, long prefix) {
        long low = 0;
        long high = run.count();
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (run.prefixAt(middle) < prefix) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /**
     * Adds the ids of the log positions just after {@link #indexedThrough} up to {@code through} (in any
     * order), durably, then merges runs of like size. Writer only.
     */
    void add(List<IdPosition> ids, long through) {
        long from = indexedThrough() + 1;
        if (through < from) return;
        List<IdPosition> sorted = new ArrayList<>(ids);
        sorted.sort(IdPosition.ORDER);
        Run run = write(from, through, sorted.size(), out -> {
            for (IdPosition id : sorted) {
                out.writeLong(id.prefix());
                out.writeLong(id.position());
            }
        });
        List<Run> next = new ArrayList<>(runs);
        next.add(run);
        runs = List.copyOf(next);
        mergeLikeSizes();
    }

    /** Deletes every run (a repair rebuilds them). */
    void deleteAll() {
        for (Run run : runs) {
            try {
                Files.deleteIfExists(run.file());
            } catch (IOException e) {
                throw new StoreException("cannot delete the id index run " + run.file() + ": " + e.getMessage(), e);
            }
        }
        runs = List.of();
    }

    /**
     * While the newest run is at least half the size of the one before it, the two become one: each id is
     * then merged about log2(ids) times in all, and a lookup searches about that many runs.
     */
    private void mergeLikeSizes() {
        while (runs.size() >= 2) {
            Run newer = runs.get(runs.size() - 1);
            Run older = runs.get(runs.size() - 2);
            if (newer.count() * 2 < older.count() || newer.count() + older.count() > MOST_ENTRIES_IN_A_RUN) return;
            Run merged = write(older.from(), newer.through(), older.count() + newer.count(), out -> {
                long i = 0;
                long j = 0;
                while (i < older.count() || j < newer.count()) {
                    // Positions are unique and the newer run's are the larger: ties on the prefix take the older first.
                    boolean takeOlder = j >= newer.count() || (i < older.count() && older.prefixAt(i) <= newer.prefixAt(j));
                    Run from = takeOlder ? older : newer;
                    long at = takeOlder ? i++ : j++;
                    out.writeLong(from.prefixAt(at));
                    out.writeLong(from.positionAt(at));
                }
            });
            List<Run> next = new ArrayList<>(runs.subList(0, runs.size() - 2));
            next.add(merged);
            runs = List.copyOf(next);
            try {
                Files.deleteIfExists(older.file());
                Files.deleteIfExists(newer.file());
            } catch (IOException e) {
                // Harmless: opening removes runs a wider one covers.
                LOG.atWarn().addKeyValue("reason", e.toString()).log("could not delete merged id index runs: {}", e.getMessage());
            }
        }
    }

    private interface EntryWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private Run write(long from, long through, long count, EntryWriter entries) {
        Path file = directory.resolve(String.format("ids-%016x-%016x.run", from, through));
        Path temporary = directory.resolve(file.getFileName() + TEMPORARY_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                OutputStream unclosed = new OutputStream() { // the channel is synced before it is closed
                    private final OutputStream inner = Channels.newOutputStream(channel);

                    @Override
                    public void write(int b) throws IOException {
                        inner.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        inner.write(b, off, len);
                    }
                };
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(unclosed, 1 << 16), crc));
                out.write(MAGIC);
                out.writeLong(count);
                entries.write(out);
                out.flush();
                ByteBuffer sum = ByteBuffer.allocate(CRC_BYTES).putInt((int) crc.getValue()).flip();
                while (sum.hasRemaining()) channel.write(sum);
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
            Run run = map(file, from, through);
            if (run == null || run.count() != count) throw new IOException("the run just written reads back wrong");
            return run;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the write failed already; that error is the one to report
            }
            throw new StoreException("writing the id index run " + file + " failed: " + e.getMessage(), e);
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // Some file systems cannot sync a directory; the rename is then as durable as they make it.
        }
    }

    /** The run in {@code file}, or null (logged) when it is damaged. */
    private static Run map(Path file, long from, long through) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            String damage = null;
            ByteBuffer bytes = null;
            if (size < HEADER_BYTES + CRC_BYTES || size > Integer.MAX_VALUE) {
                damage = "its size " + size + " cannot be a run's";
            } else {
                bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                byte[] magic = new byte[MAGIC.length];
                bytes.get(0, magic);
                long count = bytes.getLong(MAGIC.length);
                CRC32C crc = new CRC32C();
                crc.update(bytes.slice(0, (int) size - CRC_BYTES));
                if (!java.util.Arrays.equals(magic, MAGIC)) damage = "it is not an id index run";
                else if (count != (size - HEADER_BYTES - CRC_BYTES) / ENTRY_BYTES || (size - HEADER_BYTES - CRC_BYTES) % ENTRY_BYTES != 0) damage = "its length does not match its count";
                else if ((int) crc.getValue() != bytes.getInt((int) size - CRC_BYTES)) damage = "its CRC does not match";
            }
            if (damage != null) {
                LOG.atWarn().addKeyValue("file", file).log("id index run {} is damaged ({}); its ids are indexed again", file.getFileName(), damage);
                Files.deleteIfExists(file);
                return null;
            }
            long count = bytes.getLong(MAGIC.length);
            LongBuffer entries = bytes.slice(HEADER_BYTES, (int) (count * ENTRY_BYTES)).asLongBuffer();
            return new Run(from, through, file, entries, count);
        }
    }
}
