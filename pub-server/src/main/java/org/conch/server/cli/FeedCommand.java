package org.conch.server.cli;

import org.conch.feed.FeedId;
import org.conch.feed.store.H2FeedStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "feed",
        header = "Print a feed's stored messages as JSON lines.",
        description = {
                "Prints the messages of feed @ID held in the local store, in sequence order, one "
                        + "{\"key\",\"value\",\"timestamp\"} object per line (timestamp: when this store received it).",
                "The output is the format `conch verify` checks and `conch import` reads."})
final class FeedCommand extends VerbCommand {
    @Parameters(index = "0", paramLabel = "@ID", converter = FeedIdConverter.class,
            description = "The feed id, @<base64>.ed25519.")
    private FeedId feed;

    @Option(names = "--from-seq", paramLabel = "N", defaultValue = "1",
            description = "Start at this sequence number (default: ${DEFAULT-VALUE}).")
    private long fromSequence;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Print at most N messages (default: all).")
    private long limit;

    @Override
    public Integer call() {
        if (fromSequence < 1) throw wrongArgument("--from-seq must be at least 1, got " + fromSequence);
        if (limit < 0) throw wrongArgument("--limit must be 0 (all) or more, got " + limit);
        ServerClient server = ServerClient.find(dataDirectory()).orElse(null);
        if (server != null) {
            printThrough(server);
            return ExitCodes.OK;
        }
        try (H2FeedStore store = dataDirectory().openStore()) {
            if (store.state(feed).isEmpty()) {
                err().println("conch: no messages of " + feed + " in this store");
                return ExitCodes.OK;
            }
            store.forEachInFeed(feed, fromSequence, limit, stored -> out().println(stored.toKvtJson()));
        }
        return ExitCodes.OK;
    }

    /** Pages of the running server's {@code /api/feeds/:feed}, until the limit or the end of the feed. */
    private void printThrough(ServerClient server) {
        long next = fromSequence;
        long left = limit == 0 ? Long.MAX_VALUE : limit;
        boolean any = false;
        while (left > 0) {
            int page = (int) Math.min(left, org.conch.server.api.ApiContract.MAX_FEED_PAGE);
            String lines = server.getText("/api/feeds/" + java.net.URLEncoder.encode(feed.toString(), java.nio.charset.StandardCharsets.UTF_8)
                    + "?seq=" + next + "&limit=" + page);
            int count = 0;
            for (String line : lines.split("\n")) {
                if (line.isEmpty()) continue;
                out().println(line);
                count++;
            }
            any |= count > 0;
            if (count < page) break;
            next += count;
            left -= count;
        }
        if (!any && fromSequence == 1) err().println("conch: no messages of " + feed + " in this store");
    }
}
