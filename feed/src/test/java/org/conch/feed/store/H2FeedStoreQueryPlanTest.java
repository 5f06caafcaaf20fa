package org.conch.feed.store;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.testing.Messages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's paged queries read only the page they return, however long the feed, thread or type
 * is: H2 walks the index in order and stops, instead of reading the rest of the range and sorting it.
 */
class H2FeedStoreQueryPlanTest {
    private static final Identity ALICE = Identity.fromSeed(H2FeedStoreTest.seed(1));
    private static final Identity BOB = Identity.fromSeed(H2FeedStoreTest.seed(2));
    private static final int PAGE = 10;
    /** H2 counts up to two reads per row returned (a lookup in the joined table); the ranges hold 500. */
    private static final int MOST_READ = 2 * PAGE;
    private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    @TempDir
    Path dir;
    private Message root;

    @BeforeEach
    void storeOfALongFeedAndThread() {
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            root = store.publish(ALICE, Messages.post("the root"), SignCap.NONE);
            List<Object> replies = new ArrayList<>();
            for (int i = 1; i <= 500; i++) {
                Map<String, Object> reply = Messages.post("reply " + i);
                reply.put("root", root.key().toString());
                replies.add(reply);
            }
            store.publish(ALICE, replies, SignCap.NONE);
            store.publish(BOB, List.of(Messages.post("after"), Messages.post("the thread")), SignCap.NONE);
        }
    }

    @Test
    void aPageOfAFeedReadsOnlyThatPage() throws SQLException {
        assertThat(rowsRead(H2FeedStore.FEED_PAGE, authorId(ALICE), 100, PAGE)).allSatisfy(read -> assertThat(read).isLessThanOrEqualTo(MOST_READ));
    }

    @Test
    void theStartOfAThreadReadsOnlyThatPage() throws SQLException {
        assertThat(rowsRead(H2FeedStore.REPLIES_PAGE, root.key().bytes(), 0L, PAGE)).allSatisfy(read -> assertThat(read).isLessThanOrEqualTo(MOST_READ));
    }

    @Test
    void aLaterPageOfAThreadReadsOnlyThatPage() throws SQLException {
        assertThat(rowsRead(H2FeedStore.REPLIES_PAGE, root.key().bytes(), 100L, PAGE)).allSatisfy(read -> assertThat(read).isLessThanOrEqualTo(MOST_READ));
    }

    @Test
    void theNewestMessagesOfATypeReadOnlyThatPage() throws SQLException {
        assertThat(rowsRead(H2FeedStore.NEWEST_OF_TYPE, "post", Long.MAX_VALUE, PAGE)).allSatisfy(read -> assertThat(read).isLessThanOrEqualTo(MOST_READ));
    }

    @Test
    void theLastReceiveTimeReadAtEachOpeningReadsOneRow() throws SQLException {
        assertThat(rowsRead(1, H2FeedStore.LAST_RECEIVED)).allSatisfy(read -> assertThat(read).isLessThanOrEqualTo(2));
    }

    /** The rows each table of {@code sql} read, by H2's EXPLAIN ANALYZE; the query must return a full page. */
    private List<Integer> rowsRead(String sql, Object... parameters) throws SQLException {
        return rowsRead(PAGE, sql, parameters);
    }

    /** The same for a query that must return {@code returning} rows. */
    private List<Integer> rowsRead(int returning, String sql, Object... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(H2FeedStore.fileUrl(dir), "conch", "")) {
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                bind(query, parameters);
                int returned = 0;
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) returned++;
                }
                assertThat(returned).as("rows returned by %s", sql).isEqualTo(returning);
            }
            try (PreparedStatement explain = connection.prepareStatement("EXPLAIN ANALYZE " + sql)) {
                bind(explain, parameters);
                try (ResultSet plan = explain.executeQuery()) {
                    plan.next();
                    List<Integer> counts = new ArrayList<>();
                    Matcher matcher = SCAN_COUNT.matcher(plan.getString(1));
                    while (matcher.find()) counts.add(Integer.parseInt(matcher.group(1)));
                    assertThat(counts).as("scan counts in the plan of %s", sql).isNotEmpty();
                    return counts;
                }
            }
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) statement.setObject(i + 1, parameters[i]);
    }

    private int authorId(Identity identity) throws SQLException {
        try (Connection connection = DriverManager.getConnection(H2FeedStore.fileUrl(dir), "conch", "");
             PreparedStatement query = connection.prepareStatement("SELECT id FROM author WHERE feed_key = ?")) {
            query.setBytes(1, identity.id().bytes());
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).as("%s has an author id", identity.id()).isTrue();
                return rows.getInt(1);
            }
        }
    }
}
