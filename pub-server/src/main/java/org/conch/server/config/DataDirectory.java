package org.conch.server.config;

import org.conch.feed.Identity;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * conch's data directory: {@code secret} (the identity, in ssb-keys' format) and {@code store/} (the
 * H2 feed store). A directory without a secret has not been initialised: commands that need one say so
 * instead of silently creating a store in a mistyped path.
 */
public final class DataDirectory {
    static final String SECRET_FILE = "secret";
    static final String STORE_DIRECTORY = "store";
    static final String BLOBS_DIRECTORY = "blobs";
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./~:@%+=,-]+");

    private final Path root;

    static final String SERVER_FILE = "server.json";
    static final String API_TOKEN_FILE = "api-token";

    public DataDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path secretFile() {
        return root.resolve(SECRET_FILE);
    }

    public Path storeDirectory() {
        return root.resolve(STORE_DIRECTORY);
    }

    /** Bytes of every file of the store; 0 when it cannot be read. Blocking: walks the directory. */
    public long storeBytes() {
        try (java.util.stream.Stream<Path> files = Files.walk(storeDirectory())) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // removed while walking: a compaction or checkpoint
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The pub's invites database ({@code invites/invites.mv.db}). */
    public Path invitesDirectory() {
        return root.resolve(org.conch.server.invite.InviteStore.DIRECTORY);
    }

    /** The blobs, in ssb-blobs' layout ({@code blobs/sha256/ab/cdef…}). */
    public Path blobsDirectory() {
        return root.resolve(BLOBS_DIRECTORY);
    }

    /** Opens the blob store of an initialised directory with the limits of {@code config}. */
    public org.conch.feed.blob.BlobStore openBlobs(ServerConfig config) {
        identity(); // as openStore
        return org.conch.feed.blob.BlobStore.open(blobsDirectory(), config.blobMaxBytes(), config.blobQuotaBytes());
    }

    /** Opens the invites of an initialised directory; the caller closes them. */
    public org.conch.server.invite.InviteStore openInvites() {
        identity(); // as openStore: never create a database in a directory that is not conch's
        return org.conch.server.invite.InviteStore.open(invitesDirectory());
    }

    public boolean hasIdentity() {
        return Files.exists(secretFile());
    }

    /** The local identity; a directory without one is an error that says how to make one. */
    public Identity identity() {
        if (!hasIdentity()) {
            throw new ServerException("no identity in " + root + ": run `conch init --data " + shellQuoted(root) + "` first");
        }
        return Identity.load(secretFile());
    }

    /**
     * JVM system properties for crash tests only, never needed in use: index batches this small (rows per
     * transaction, message ids per sorted id-index batch) make a kill land in or just after one, and log segments
     * this small make kills land around segment rolls.
     */
    public static final String INDEX_BATCH_PROPERTY = "conch.store.index-batch";
    public static final String KEY_INDEX_BATCH_PROPERTY = "conch.store.key-index-batch";
    public static final String SEGMENT_BYTES_PROPERTY = "conch.store.segment-bytes";

    /** Opens the store of an initialised directory; the caller closes it. */
    public H2FeedStore openStore() {
        identity(); // fails clearly before any store files appear in a directory that is not conch's
        StoreOptions options = StoreOptions.at(storeDirectory());
        return H2FeedStore.open(options.withBatches(Integer.getInteger(INDEX_BATCH_PROPERTY, options.indexBatch()),
                        Integer.getInteger(KEY_INDEX_BATCH_PROPERTY, options.keyIndexBatch()))
                .withSegmentBytes(Long.getLong(SEGMENT_BYTES_PROPERTY, options.segmentBytes())));
    }

    /** Creates the directory, readable by its owner only when conch creates it (it will hold the secret). */
    public void create() {
        try {
            if (Files.isDirectory(root)) return;
            Files.createDirectories(root);
            try {
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the secret file's own permissions are all we can set
            }
        } catch (IOException e) {
            throw new ServerException("cannot create the data directory " + root + ": " + org.conch.feed.io.IoErrors.describe(e), e);
        }
    }

    /** Written by a running {@code conch serve}: its pid and HTTP address, so that other verbs act through it. */
    public Path serverFile() {
        return root.resolve(SERVER_FILE);
    }

    /** The secret that HTTP API writes must carry; readable by the owner only. */
    public Path apiTokenFile() {
        return root.resolve(API_TOKEN_FILE);
    }

    /** The API token, created (32 random bytes, base64url) on first use. */
    public String apiToken() {
        Path file = apiTokenFile();
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new java.security.SecureRandom().nextBytes(random);
                String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                Path temporary = root.resolve(API_TOKEN_FILE + ".tmp");
                Files.writeString(temporary, token);
                ownerOnly(temporary);
                Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new ServerException("cannot read or create " + file + ": " + org.conch.feed.io.IoErrors.describe(e), e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    /** The path as it would be typed into a shell, so that the hint in an error can be pasted. */
    static String shellQuoted(Path path) {
        String text = path.toString();
        return SHELL_SAFE.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
    }
}
