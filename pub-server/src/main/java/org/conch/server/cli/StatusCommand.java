package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.blob.BlobStore;
import org.conch.feed.store.H2FeedStore;
import org.conch.server.config.ServerConfig;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "status",
        header = "Show the identity, the store, peers and replication progress, and the rooms attended.",
        description = {
                "With a server running for the data directory: its address, connections, and for every peer and "
                        + "feed the local and remote sequence, what is happening and when it last made progress, so "
                        + "that a stall is visible. Without one: the identity and what the store holds.",
                "With --json, prints the same as one JSON object."})
final class StatusCommand extends VerbCommand {
    @Override
    public Integer call() {
        DataDirectory data = dataDirectory();
        ServerClient server = ServerClient.find(data).orElse(null);
        Map<?, ?> status = server != null ? (Map<?, ?>) server.get("/api/status") : offline(data, conch().environment());
        if (json()) {
            printJson(status);
        } else {
            printHuman(status);
        }
        return ExitCodes.OK;
    }

    private static Map<String, Object> offline(DataDirectory data, Map<String, String> environment) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("id", data.identity().id().toString());
        status.put("running", false);
        try (H2FeedStore store = data.openStore()) {
            status.put("messages", (double) store.messageCount());
            status.put("feeds", (double) store.feeds().size());
        }
        status.put("storeBytes", (double) data.storeBytes());
        BlobStore blobs = data.openBlobs(ServerConfig.load(data.root(), environment, Map.of()));
        status.put("blobs", (double) blobs.count());
        status.put("blobBytes", (double) blobs.totalBytes());
        return status;
    }

    private void printHuman(Map<?, ?> status) {
        boolean running = Boolean.TRUE.equals(status.get("running"));
        out().println(status.get("id") + (running ? "  serving at " + status.get("address") : "  (no server running)"));
        out().println("store: " + count(number(status, "messages"), "message") + ", "
                + megabytes(number(status, "storeBytes")) + (status.containsKey("feeds") ? ", " + count(number(status, "feeds"), "feed") : ""));
        out().println("blobs: " + count(number(status, "blobs"), "blob") + ", " + megabytes(number(status, "blobBytes")));
        if (!running) return;
        Map<?, ?> replication = (Map<?, ?>) status.get("replication");
        List<?> peers = (List<?>) replication.get("peers");
        out().println("replicating " + count(number(replication, "replicationSetSize"), "feed") + "; "
                + count(number(status, "connections"), "connection") + ", " + count(peers.size(), "replicating peer"));
        long now = number(replication, "takenAt");
        for (Object item : peers) {
            Map<?, ?> peer = (Map<?, ?>) item;
            out().println("  " + peer.get("id") + "  " + peer.get("mode") + (Boolean.TRUE.equals(peer.get("dialled")) ? ", dialled" : ", dialled us")
                    + ", received " + number(peer, "received") + ", sent " + number(peer, "sent"));
            for (Object feedItem : (List<?>) peer.get("feeds")) {
                Map<?, ?> feed = (Map<?, ?>) feedItem;
                long remote = number(feed, "remoteSeq");
                long lastProgress = number(feed, "lastProgress");
                out().println("    " + feed.get("feed") + "  local " + number(feed, "localSeq")
                        + ", remote " + (remote < 0 ? "?" : remote) + ", " + feed.get("state")
                        + (lastProgress > 0 ? ", last progress " + Math.max(0, (now - lastProgress) / 1000) + " s ago" : ""));
            }
        }
        for (Object item : status.get("rooms") instanceof List<?> rooms ? rooms : List.of()) {
            Map<?, ?> room = (Map<?, ?>) item;
            List<?> attendants = (List<?>) room.get("attendants");
            long connected = attendants.stream().filter(a -> Boolean.TRUE.equals(((Map<?, ?>) a).get("connected"))).count();
            out().println("room " + room.get("room") + (room.get("name") == null ? "" : " \"" + room.get("name") + "\"")
                    + " (" + ("rooms2".equals(room.get("protocol")) ? "rooms 2" : "rooms 1") + "): "
                    + count(attendants.size(), "other attendant") + ", " + connected + " connected");
            for (Object attendant : attendants) {
                Map<?, ?> one = (Map<?, ?>) attendant;
                out().println("  " + one.get("id") + (Boolean.TRUE.equals(one.get("connected")) ? "  connected" : ""));
            }
        }
    }

    private static long number(Map<?, ?> map, String key) {
        return map.get(key) instanceof Double value ? value.longValue() : 0;
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB on disk", bytes / 1_000_000.0);
    }
}
