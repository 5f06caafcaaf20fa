package org.conch.server.room;

import org.conch.feed.FeedId;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A room's aliases in an embedded H2 database of their own ({@code DATA/room/room.mv.db}, Flyway migrations in
 * {@code db/room}). All are held in memory too, so the alias page reads without JDBC; {@link #register} and
 * {@link #revoke} do JDBC and belong on a worker thread.
 */
public final class AliasStore implements AutoCloseable {
    public static final String DIRECTORY = "room";

    /** One alias: its member and the member's signature. */
    public record Alias(String alias, FeedId member, String signature) {
    }

    private final JdbcConnectionPool pool;
    private final Map<String, Alias> aliases = new ConcurrentHashMap<>();

    private AliasStore(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** Opens (creating and migrating as needed) the room database in {@code directory}. */
    public static AliasStore open(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the room directory " + directory + ": " + e.getMessage(), e);
        }
        String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("room") + ";DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "conch", "");
        try {
            Flyway.configure().loggers("slf4j").dataSource(url, "conch", "").locations("classpath:db/room").load().migrate();
            AliasStore store = new AliasStore(pool);
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT alias, member_key, signature FROM room_alias")) {
                while (rows.next()) {
                    store.aliases.put(rows.getString(1), new Alias(rows.getString(1), FeedId.of(rows.getBytes(2)), rows.getString(3)));
                }
            }
            return store;
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            throw new StoreException("cannot open the room's aliases in " + directory + ": " + e.getMessage(), e);
        }
    }

    public Optional<Alias> find(String alias) {
        return Optional.ofNullable(aliases.get(alias));
    }

    /** Records the alias; false when it is taken already (by anyone). */
    public boolean register(String alias, FeedId member, String signature) {
        try (Connection connection = pool.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO room_alias (alias, member_key, signature, created_at) SELECT ?, ?, ?, ? "
                             + "WHERE NOT EXISTS (SELECT 1 FROM room_alias WHERE alias = ?)")) {
            insert.setString(1, alias);
            insert.setBytes(2, member.bytes());
            insert.setString(3, signature);
            insert.setLong(4, System.currentTimeMillis());
            insert.setString(5, alias);
            if (insert.executeUpdate() == 0) return false;
        } catch (SQLException e) {
            throw new StoreException("cannot record the alias " + alias + ": " + e.getMessage(), e);
        }
        aliases.put(alias, new Alias(alias, member, signature));
        return true;
    }

    /** Removes {@code member}'s alias; false when there is no such alias of theirs. */
    public boolean revoke(String alias, FeedId member) {
        try (Connection connection = pool.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM room_alias WHERE alias = ? AND member_key = ?")) {
            delete.setString(1, alias);
            delete.setBytes(2, member.bytes());
            if (delete.executeUpdate() == 0) return false;
        } catch (SQLException e) {
            throw new StoreException("cannot revoke the alias " + alias + ": " + e.getMessage(), e);
        }
        aliases.remove(alias);
        return true;
    }

    @Override
    public void close() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new StoreException("closing the room's aliases failed: " + e.getMessage(), e);
        } finally {
            pool.dispose();
        }
    }
}
