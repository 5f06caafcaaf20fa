package org.conch.feed.blob;

import org.conch.feed.BlobId;
import org.conch.feed.io.IoErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Blobs on disk, content-addressed as ssb-blobs (multiblob) lays them out: the blob {@code &<base64>.sha256}
 * lives at {@code DIR/sha256/<first 2 hex digits>/<other 62 hex digits>} of its hash. A blob is written to
 * {@code DIR/tmp/}, synced, checked against its id and only then renamed into place, so a crash never
 * leaves a partial or wrong blob under an id. Each blob may hold at most {@link #maxBytes()} and all of
 * them together at most {@link #quotaBytes()}.
 *
 * <p>The ids and sizes are kept in memory (read from the directory when opened), so {@link #size},
 * {@link #has}, {@link #count} and {@link #totalBytes} never touch the disk and may be called from any
 * thread; adding, reading and deleting do file I/O and belong on a worker thread.
 */
public final class BlobStore {
    /** ssb-blobs' default largest blob: 5 MiB. */
    public static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024;
    /** Default total of all blobs: 1 GiB. */
    public static final long DEFAULT_QUOTA_BYTES = 1L << 30;
    static final String HASH_DIRECTORY = "sha256";
    static final String TEMPORARY_DIRECTORY = "tmp";
    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    private static final HexFormat HEX = HexFormat.of();

    /** A blob that was just stored. */
    public record Added(BlobId id, long size) {
    }

    private final Path root;
    private final long maxBytes;
    private final long quotaBytes;
    private final ConcurrentHashMap<BlobId, Long> sizes = new ConcurrentHashMap<>();
    private final List<Consumer<Added>> listeners = new CopyOnWriteArrayList<>();
    /** Bytes stored plus bytes being written; guarded by {@code this}. */
    private long committedBytes;
    private volatile long storedBytes;

    private BlobStore(Path root, long maxBytes, long quotaBytes) {
        this.root = root;
        this.maxBytes = maxBytes;
        this.quotaBytes = quotaBytes;
    }

    /** Opens (creating) the store in {@code directory}; drops what an interrupted write left in {@code tmp/}. */
    public static BlobStore open(Path directory, long maxBytes, long quotaBytes) {
        if (maxBytes < 1 || quotaBytes < maxBytes) {
            throw new IllegalArgumentException("blob limits need 1 <= max (" + maxBytes + ") <= quota (" + quotaBytes + ")");
        }
        BlobStore store = new BlobStore(directory.toAbsolutePath().normalize(), maxBytes, quotaBytes);
        try {
            Files.createDirectories(store.root.resolve(HASH_DIRECTORY));
            Path temporary = Files.createDirectories(store.root.resolve(TEMPORARY_DIRECTORY));
            try (Stream<Path> leftovers = Files.list(temporary)) {
                for (Path leftover : leftovers.toList()) Files.deleteIfExists(leftover);
            }
            try (Stream<Path> files = Files.walk(store.root.resolve(HASH_DIRECTORY), 2)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) store.index(file);
            }
        } catch (IOException e) {
            throw new BlobException(BlobException.Reason.IO, "cannot open the blob store " + directory + ": " + IoErrors.describe(e), e);
        }
        return store;
    }

    private void index(Path file) throws IOException {
        String name = file.getParent().getFileName().toString() + file.getFileName();
        if (name.length() != 64 || !name.matches("[0-9a-f]{64}")) {
            LOG.warn("ignoring {}: not a blob's file name", file);
            return;
        }
        long size = Files.size(file);
        sizes.put(BlobId.of(HEX.parseHex(name)), size);
        committedBytes += size;
        storedBytes = committedBytes;
    }

    public Path directory() {
        return root;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long quotaBytes() {
        return quotaBytes;
    }

    /** The file the blob is (or would be) stored in. */
    public Path path(BlobId id) {
        String hex = HEX.formatHex(id.bytes());
        return root.resolve(HASH_DIRECTORY).resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    }

    /** The blob's size in bytes, empty when it is not stored. From memory. */
    public OptionalLong size(BlobId id) {
        Long size = sizes.get(id);
        return size == null ? OptionalLong.empty() : OptionalLong.of(size);
    }

    public boolean has(BlobId id) {
        return sizes.containsKey(id);
    }

    public int count() {
        return sizes.size();
    }

    /** Bytes of all stored blobs. */
    public long totalBytes() {
        return storedBytes;
    }

    /** The ids stored now (a snapshot). */
    public Set<BlobId> ids() {
        return Set.copyOf(sizes.keySet());
    }

    /** The id of these bytes (their sha256). */
    public static BlobId idOf(byte[] bytes) {
        return BlobId.of(sha256().digest(bytes));
    }

    /** Stores {@code bytes} under their own hash; returns the id. Already stored: nothing is written. */
    public BlobId add(byte[] bytes) {
        return add(null, bytes);
    }

    /**
     * Stores {@code bytes}, which must hash to {@code expected} (null: any); durable when this returns.
     *
     * @throws BlobException TOO_LARGE over {@link #maxBytes()}, OVER_QUOTA when the store would exceed
     *                       {@link #quotaBytes()}, HASH_MISMATCH when the bytes are not {@code expected}'s, IO
     */
    public BlobId add(BlobId expected, byte[] bytes) {
        if (bytes.length > maxBytes) {
            throw new BlobException(BlobException.Reason.TOO_LARGE, "blob of " + bytes.length + " bytes is over the limit of "
                    + maxBytes + " bytes (blob-max-bytes)");
        }
        BlobId actual = idOf(bytes);
        if (expected != null && !expected.equals(actual)) {
            throw new BlobException(BlobException.Reason.HASH_MISMATCH, "the bytes received for " + expected
                    + " hash to " + actual + ": refused");
        }
        if (has(actual)) return actual;
        reserve(bytes.length);
        boolean stored = false;
        Path temporary = root.resolve(TEMPORARY_DIRECTORY).resolve(UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true); // durable before it takes the blob's name
            }
            Path target = path(actual);
            Files.createDirectories(target.getParent());
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(target.getParent());
            stored = sizes.putIfAbsent(actual, (long) bytes.length) == null;
        } catch (IOException e) {
            throw new BlobException(BlobException.Reason.IO, "cannot write blob " + actual + ": " + IoErrors.describe(e), e);
        } finally {
            deleteQuietly(temporary);
            settle(bytes.length, stored);
        }
        if (stored) {
            Added added = new Added(actual, bytes.length);
            for (Consumer<Added> listener : listeners) listener.accept(added);
        }
        return actual;
    }

    private synchronized void reserve(long bytes) {
        if (committedBytes + bytes > quotaBytes) {
            throw new BlobException(BlobException.Reason.OVER_QUOTA, "the blob store is full: " + committedBytes + " of "
                    + quotaBytes + " bytes used, " + bytes + " more do not fit (blob-quota-bytes)");
        }
        committedBytes += bytes;
    }

    /** Ends a reservation: kept when the blob was stored, given back otherwise (failed, or stored meanwhile). */
    private synchronized void settle(long bytes, boolean stored) {
        if (!stored) committedBytes -= bytes;
        storedBytes = committedBytes;
    }

    /** The whole blob. */
    public byte[] read(BlobId id) {
        return read(id, 0, Long.MAX_VALUE);
    }

    /** Bytes {@code [start, end)} of the blob, clipped to its size. */
    public byte[] read(BlobId id, long start, long end) {
        if (!has(id)) throw new BlobException(BlobException.Reason.NOT_FOUND, "blob " + id + " is not stored here");
        try (FileChannel channel = FileChannel.open(path(id), StandardOpenOption.READ)) {
            long from = Math.max(0, Math.min(start, channel.size()));
            long to = Math.max(from, Math.min(end, channel.size()));
            ByteBuffer buffer = ByteBuffer.allocate((int) (to - from));
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) >= 0) {
                // read until full
            }
            return buffer.array();
        } catch (NoSuchFileException e) {
            throw new BlobException(BlobException.Reason.NOT_FOUND, "blob " + id + " is not stored here", e);
        } catch (IOException e) {
            throw new BlobException(BlobException.Reason.IO, "cannot read blob " + id + ": " + IoErrors.describe(e), e);
        }
    }

    /** Removes the blob; false when it was not stored. */
    public boolean delete(BlobId id) {
        Long size = sizes.remove(id);
        if (size == null) return false;
        try {
            Files.deleteIfExists(path(id));
        } catch (IOException e) {
            sizes.put(id, size);
            throw new BlobException(BlobException.Reason.IO, "cannot delete blob " + id + ": " + IoErrors.describe(e), e);
        }
        settle(size, false);
        return true;
    }

    /**
     * Calls {@code listener} with every blob stored from now on, on the thread that stored it (a worker):
     * hand it on quickly. Closing the handle stops the calls.
     */
    public AutoCloseable subscribe(Consumer<Added> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory; the file itself is synced
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", file, e.toString());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
