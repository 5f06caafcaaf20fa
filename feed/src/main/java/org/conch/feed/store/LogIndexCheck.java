package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.MessageId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The part of fsck that knows how {@link H2FeedStore} keeps its data: every record of the message log
 * passes its CRC, and the H2 indexes agree with the log record for record (position, offset, id, author,
 * sequence, type, thread root), with no record missing from them and no row pointing past them.
 */
final class LogIndexCheck {
    /** Where {@link StoreCheck} collects problems. */
    interface Problems {
        void add(FeedId feed, long sequence, String what);
    }

    private final H2FeedStore store;
    private final Problems problems;
    private ResultSet rows;
    private boolean rowAvailable;
    private PreparedStatement replyQuery;
    private final Set<Long> damagedOffsets = new HashSet<>();
    /** Entries past this position are still on their way to the index (a store in use): not checked. */
    private long indexedThrough;
    /** The watermark pair H2 holds: the indexes cover the log up to this offset, through this position. */
    private long committedEnd;
    private long committedThrough;
    /** Records before {@link #committedEnd} yet past {@link #committedThrough}: skipped by the indexes. */
    private long skipped;
    private long firstSkippedOffset = -1;

    private LogIndexCheck(H2FeedStore store, Problems problems) {
        this.store = store;
        this.problems = problems;
    }

    static void run(H2FeedStore store, Problems problems) {
        new LogIndexCheck(store, problems).check();
    }

    private void check() {
        indexedThrough = store.indexes().indexedThrough();
        try (Connection connection = store.readers().getConnection();
             PreparedStatement indexRows = connection.prepareStatement("SELECT m.log_seq, m.log_offset, m.msg_key, a.feed_key, m.seq, "
                     + "m.msg_type FROM message m LEFT JOIN author a ON a.id = m.author_id ORDER BY m.log_seq");
             PreparedStatement replyQuery = connection.prepareStatement("SELECT COUNT(*) FROM reply WHERE root = ? AND log_seq = ?");
             PreparedStatement byOffset = connection.prepareStatement(
                     "SELECT a.feed_key, m.seq FROM message m JOIN author a ON a.id = m.author_id WHERE m.log_offset = ?")) {
            this.replyQuery = replyQuery;
            readCommittedWatermarks(connection);
            indexRows.setFetchSize(1_000);
            try (ResultSet rows = indexRows.executeQuery()) {
                this.rows = rows;
                rowAvailable = rows.next();
                for (MessageLog.Damage damage : store.log().verify(this::compare)) {
                    damagedOffsets.add(damage.offset());
                    byOffset.setLong(1, damage.offset());
                    try (ResultSet owner = byOffset.executeQuery()) {
                        if (owner.next()) {
                            problems.add(FeedId.of(owner.getBytes(1)), owner.getLong(2),
                                    "its log record at offset " + damage.offset() + " is damaged: " + damage.what());
                        } else {
                            problems.add(null, 0, "the log record at offset " + damage.offset() + " is damaged: " + damage.what());
                        }
                    }
                }
                while (rowAvailable) rowWithoutRecord();
            }
            if (skipped > 0) {
                problems.add(null, 0, skipped + " log records from offset " + firstSkippedOffset + " on lie before the end the indexes "
                        + "record (offset " + committedEnd + ") but past their last position (" + committedThrough
                        + "): the indexes skipped them; conch fsck --repair rebuilds the indexes from the log");
            }
        } catch (SQLException e) {
            throw new StoreException("checking the indexes against the log failed: " + e.getMessage(), e);
        }
    }

    /** One readable log record against the index row at its position. */
    private void compare(long offset, MessageLog.Entry entry) {
        if (offset < committedEnd && entry.logSequence() > committedThrough) {
            if (skipped++ == 0) firstSkippedOffset = offset;
        }
        if (entry.logSequence() > indexedThrough) return;
        try {
            while (rowAvailable && rows.getLong(1) < entry.logSequence()) rowWithoutRecord();
            if (!rowAvailable || rows.getLong(1) != entry.logSequence()) {
                problems.add(entry.author(), entry.sequence(), "logged at position " + entry.logSequence() + " (offset " + offset
                        + ") but missing from the index");
                return;
            }
            Message message = entry.message();
            String where = "the index row at position " + entry.logSequence();
            if (rows.getLong(2) != offset) {
                problems.add(entry.author(), entry.sequence(), where + " points at offset " + rows.getLong(2) + ", the log has it at " + offset);
            }
            byte[] author = rows.getBytes(4);
            if (!entry.key().equals(MessageId.of(rows.getBytes(3))) || author == null || !entry.author().equals(FeedId.of(author))
                    || rows.getLong(5) != entry.sequence()) {
                problems.add(entry.author(), entry.sequence(), where + " names another message than the log holds there");
            } else if (!Objects.equals(rows.getString(6), message.type())) {
                problems.add(entry.author(), entry.sequence(), where + " gives the type " + rows.getString(6) + ", the message says " + message.type());
            }
            MessageId root = IndexWriter.rootOf(message);
            if (root != null) {
                replyQuery.setBytes(1, root.bytes());
                replyQuery.setLong(2, entry.logSequence());
                try (ResultSet reply = replyQuery.executeQuery()) {
                    reply.next();
                    if (reply.getLong(1) == 0) problems.add(entry.author(), entry.sequence(), "a reply to " + root + " missing from the thread index");
                }
            }
            rowAvailable = rows.next();
        } catch (SQLException e) {
            throw new StoreException("checking the indexes against the log failed: " + e.getMessage(), e);
        }
    }

    /** Both watermarks as one transaction of the index thread left them (they are written together). */
    private void readCommittedWatermarks(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet marks = statement.executeQuery(
                     "SELECT name, num FROM store_state WHERE name IN ('indexed_through', 'indexed_log_end')")) {
            while (marks.next()) {
                if (marks.getString(1).equals("indexed_through")) committedThrough = marks.getLong(2);
                else committedEnd = marks.getLong(2);
            }
        }
    }

    private void rowWithoutRecord() throws SQLException {
        if (!damagedOffsets.contains(rows.getLong(2)) && rows.getLong(1) <= indexedThrough) {
            byte[] author = rows.getBytes(4);
            problems.add(author == null ? null : FeedId.of(author), rows.getLong(5), "the index points at log position " + rows.getLong(1)
                    + " (offset " + rows.getLong(2) + "), which the log does not hold");
        }
        rowAvailable = rows.next();
    }
}
