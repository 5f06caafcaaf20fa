package org.conch.gossip.replication;

import org.conch.feed.FeedId;

import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code createHistoryStream}: {@code [{id, seq|sequence, live, old, limit, keys,
 * values}]} or the legacy positional {@code [id, seq, live]}. As ssb-db reads them: {@code seq} is
 * inclusive (messages with {@code sequence >= seq}; {@code sequence} wins over {@code seq}), {@code keys},
 * {@code values} and {@code old} are on unless exactly false, {@code live} is off unless truthy, a
 * {@code limit} below 1 means none.
 *
 * @param id       the feed
 * @param sequence the first sequence to send (at least 1)
 * @param live     keep the stream open and send new messages as they are stored
 * @param old      send the stored messages from {@code sequence} (false: only new ones)
 * @param limit    how many messages at most; -1 for no limit
 * @param keys     include the message id ({@code {key, value, timestamp}})
 * @param values   include the value
 */
public record HistoryStreamArgs(FeedId id, long sequence, boolean live, boolean old, long limit, boolean keys,
                                boolean values) {

    /** Reads the call's arguments; an IllegalArgumentException's message is the error sent back. */
    public static HistoryStreamArgs parse(List<Object> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("createHistoryStream needs a feed id");
        }
        Object first = args.get(0);
        if (first instanceof String id) {
            return new HistoryStreamArgs(feed(id), sequence(args.size() > 1 ? args.get(1) : null),
                    args.size() > 2 && truthy(args.get(2)), true, -1, true, true);
        }
        if (!(first instanceof Map<?, ?> options)) {
            throw new IllegalArgumentException("createHistoryStream expects {id, seq, live, …}");
        }
        Object id = options.get("id");
        if (!(id instanceof String text)) {
            throw new IllegalArgumentException("createHistoryStream: id must be a feed id");
        }
        // ssb-db: opts.sequence || opts.seq || 0
        Object seq = truthy(options.get("sequence")) ? options.get("sequence") : options.get("seq");
        Object limit = options.get("limit");
        long parsedLimit = limit instanceof Number n && n.doubleValue() >= 1 ? (long) Math.ceil(n.doubleValue()) : -1;
        return new HistoryStreamArgs(feed(text), sequence(seq), truthy(options.get("live")),
                notFalse(options.get("old")), parsedLimit, notFalse(options.get("keys")),
                notFalse(options.get("values")));
    }

    private static FeedId feed(String text) {
        return FeedId.tryParse(text)
                .orElseThrow(() -> new IllegalArgumentException("createHistoryStream: not a feed id: " + text));
    }

    private static long sequence(Object value) {
        if (value instanceof Number n && n.doubleValue() >= 1 && !Double.isNaN(n.doubleValue())) {
            return (long) Math.ceil(Math.min(n.doubleValue(), Long.MAX_VALUE / 2.0));
        }
        return 1;
    }

    /** ssb-db's {@code opts.keys !== false}: only an explicit false turns the option off. */
    private static boolean notFalse(Object value) {
        return !Boolean.FALSE.equals(value);
    }

    private static boolean truthy(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return false;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        return true;
    }
}
