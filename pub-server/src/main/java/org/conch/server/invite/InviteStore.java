package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.store.StoreException;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pub's invites, in an embedded H2 database of their own ({@code DATA/invites/invites.mv.db}, schema
 * from the Flyway migrations in {@code db/invites}).
 *
 * <p>Every change is one transaction synced to disk before the method returns. A use is counted by one
 * conditional UPDATE (still unused, not revoked, not expired), so parallel redemptions can never count
 * more uses than the invite allows. All invites are also held in memory, so that the secret-handshake
 * authorizer, which runs on an event loop, asks {@link #status} without touching the database; the other
 * methods do JDBC and belong on a worker thread.
 */
public final class InviteStore implements AutoCloseable {
    public static final String DIRECTORY = "invites";
    static final String DATABASE_NAME = "invites";
    private static final String MIGRATIONS = "classpath:db/invites";

    private final JdbcConnectionPool pool;
    private final Clock clock;
    private final boolean inMemory;
    private final Map<FeedId, Invite> invites = new ConcurrentHashMap<>();

    private InviteStore(JdbcConnectionPool pool, Clock clock, boolean inMemory) {
        this.pool = pool;
        this.clock = clock;
        this.inMemory = inMemory;
    }

    /** Opens (creating and migrating as needed) the invites database in {@code directory}. */
    public static InviteStore open(Path directory) {
        return open(directory, Clock.systemUTC());
    }

    public static InviteStore open(Path directory, Clock clock) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the invites directory " + directory + ": " + e.getMessage(), e);
        }
        // We close the database ourselves, as the feed store does.
        String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve(DATABASE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
        return open(url, directory.toString(), clock, false);
    }

    /** For tests: a private in-memory database. */
    public static InviteStore openInMemory(Clock clock) {
        return open("jdbc:h2:mem:invites-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "memory", clock, true);
    }

    private static InviteStore open(String url, String where, Clock clock, boolean inMemory) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "conch", "");
        pool.setMaxConnections(8);
        try {
            Flyway.configure()
                    .loggers("slf4j")
                    .dataSource(url, "conch", "")
                    .locations(MIGRATIONS)
                    .load()
                    .migrate();
            InviteStore store = new InviteStore(pool, clock, inMemory);
            store.loadAll();
            return store;
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            if (e.getMessage() != null && e.getMessage().contains("Database may be already in use")) {
                throw new StoreException("the invites in " + where + " are in use by another conch process", e);
            }
            throw new StoreException("cannot open the invites in " + where + ": " + e.getMessage(), e);
        }
    }

    private void loadAll() throws SQLException {
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT invite_key, total_uses, used_count, created_at, expires_at, note, revoked FROM invite")) {
            while (rows.next()) {
                Invite invite = read(rows);
                invites.put(invite.key(), invite);
            }
        }
    }

    private static Invite read(ResultSet row) throws SQLException {
        long expires = row.getLong(5);
        Instant expiresAt = row.wasNull() ? null : Instant.ofEpochMilli(expires);
        return new Invite(FeedId.of(row.getBytes(1)), row.getInt(2), row.getInt(3), Instant.ofEpochMilli(row.getLong(4)),
                expiresAt, row.getString(6), row.getBoolean(7));
    }

    /** Makes a new invite with a fresh key pair; the seed is returned once and never stored. */
    public CreatedInvite create(InviteTerms terms) {
        Identity keyPair = Identity.generate();
        Instant now = clock.instant();
        Instant expires = terms.validFor() == null ? null : now.plus(terms.validFor());
        Invite invite = new Invite(keyPair.id(), terms.uses(), 0, now, expires, terms.note(), false);
        write("creating an invite", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO invite "
                    + "(invite_key, total_uses, used_count, created_at, expires_at, note, revoked) VALUES (?, ?, 0, ?, ?, ?, FALSE)")) {
                insert.setBytes(1, invite.key().bytes());
                insert.setInt(2, invite.totalUses());
                insert.setLong(3, now.toEpochMilli());
                if (expires == null) insert.setNull(4, Types.BIGINT);
                else insert.setLong(4, expires.toEpochMilli());
                insert.setString(5, invite.note());
                return insert.executeUpdate();
            }
        });
        invites.put(invite.key(), invite);
        return new CreatedInvite(invite, keyPair.seed());
    }

    /** Every invite, oldest first (from memory). */
    public List<Invite> list() {
        List<Invite> all = new ArrayList<>(invites.values());
        all.sort(Comparator.comparing(Invite::created).thenComparing(Invite::key));
        return all;
    }

    public Optional<Invite> find(FeedId key) {
        return Optional.ofNullable(invites.get(key));
    }

    /** Whether {@code key} belongs to an invite, redeemable or not (from memory: safe on an event loop). */
    public boolean isInviteKey(FeedId key) {
        return invites.containsKey(key);
    }

    /** What redeeming {@code key} now would find (from memory: safe on an event loop). */
    public InviteStatus status(FeedId key) {
        Invite invite = invites.get(key);
        return invite == null ? InviteStatus.UNKNOWN : invite.status(clock.instant());
    }

    /** Revokes an invite; false when there is none with that key. Revoking twice is harmless. */
    public boolean revoke(FeedId key) {
        int changed = write("revoking an invite", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE invite SET revoked = TRUE WHERE invite_key = ?")) {
                update.setBytes(1, key.bytes());
                return update.executeUpdate();
            }
        });
        if (changed == 0) return false;
        invites.computeIfPresent(key, (k, invite) -> invite.asRevoked());
        return true;
    }

    /**
     * Counts one use of the invite if it is still live, durably, in one conditional UPDATE. Returns
     * {@link InviteStatus#LIVE} when the use was counted, else why it was refused.
     */
    public InviteStatus use(FeedId key) {
        Instant now = clock.instant();
        int counted = write("counting an invite's use", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE invite SET used_count = used_count + 1 "
                    + "WHERE invite_key = ? AND used_count < total_uses AND NOT revoked AND (expires_at IS NULL OR expires_at > ?)")) {
                update.setBytes(1, key.bytes());
                update.setLong(2, now.toEpochMilli());
                return update.executeUpdate();
            }
        });
        if (counted == 1) {
            invites.computeIfPresent(key, (k, invite) -> invite.withOneMoreUse());
            return InviteStatus.LIVE;
        }
        Invite invite = invites.get(key);
        if (invite == null) return InviteStatus.UNKNOWN;
        InviteStatus why = invite.status(now);
        // The row refused while memory still says live: another use took the last one a moment ago.
        return why == InviteStatus.LIVE ? InviteStatus.USED_UP : why;
    }

    @FunctionalInterface
    private interface Write {
        int run(Connection connection) throws SQLException;
    }

    /** One auto-committed statement, synced to disk before it returns. */
    private int write(String what, Write write) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(true);
            int changed = write.run(connection);
            if (changed > 0 && !inMemory) {
                try (Statement sync = connection.createStatement()) {
                    // H2 otherwise writes committed changes out in the background.
                    sync.execute("CHECKPOINT SYNC");
                }
            }
            return changed;
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new StoreException("closing the invites failed: " + e.getMessage(), e);
        } finally {
            pool.dispose();
        }
    }
}
