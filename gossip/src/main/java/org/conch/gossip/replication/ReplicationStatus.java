package org.conch.gossip.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of replication for {@code conch status --json}: per connected peer and per feed, how far
 * this side is, how far the peer says it is, and when the feed last made progress, so that a stall
 * shows.
 *
 * @param self               the local feed
 * @param takenAt            when the snapshot was taken (ms since the epoch)
 * @param replicationSetSize feeds replicated (self, follows within the hops, minus blocks)
 * @param feedsStored        feeds the store holds messages of
 * @param peers              the connected peers
 */
public record ReplicationStatus(String self, long takenAt, int replicationSetSize, int feedsStored, List<Peer> peers) {

    /**
     * One connection.
     *
     * @param id          the peer's feed id
     * @param mode        {@code "ebt"}, {@code "history"} (createHistoryStream), or {@code "waiting"}
     * @param dialled     true when this side opened the connection
     * @param connectedAt when replication was attached (ms)
     * @param received    messages of the peer stored here
     * @param sent        messages sent to the peer
     * @param feeds       the feeds exchanged or offered on this connection
     */
    public record Peer(String id, String mode, boolean dialled, long connectedAt, long received, long sent,
                       List<Feed> feeds) {
    }

    /**
     * One feed on one connection.
     *
     * @param feed         the feed id
     * @param localSeq     the latest sequence stored here
     * @param remoteSeq    the latest sequence the peer claims (-1 when unknown or not replicated by it)
     * @param lastProgress when a message of this feed from this peer was last stored (ms; 0 = never)
     * @param received     messages of this feed from this peer stored here
     * @param sent         messages of this feed sent to the peer
     * @param state        {@code "receiving"}, {@code "sending"}, {@code "idle"} or {@code "stopped: <reason>"}
     */
    public record Feed(String feed, long localSeq, long remoteSeq, long lastProgress, long received, long sent,
                       String state) {
    }

    /** The JSON model (maps, lists, numbers as Double) for {@code status --json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("self", self);
        json.put("takenAt", (double) takenAt);
        json.put("replicationSetSize", (double) replicationSetSize);
        json.put("feedsStored", (double) feedsStored);
        List<Object> peerList = new ArrayList<>();
        for (Peer peer : peers) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", peer.id());
            p.put("mode", peer.mode());
            p.put("dialled", peer.dialled());
            p.put("connectedAt", (double) peer.connectedAt());
            p.put("received", (double) peer.received());
            p.put("sent", (double) peer.sent());
            List<Object> feedList = new ArrayList<>();
            for (Feed feed : peer.feeds()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("feed", feed.feed());
                f.put("localSeq", (double) feed.localSeq());
                f.put("remoteSeq", (double) feed.remoteSeq());
                f.put("lastProgress", (double) feed.lastProgress());
                f.put("received", (double) feed.received());
                f.put("sent", (double) feed.sent());
                f.put("state", feed.state());
                feedList.add(f);
            }
            p.put("feeds", feedList);
            peerList.add(p);
        }
        json.put("peers", peerList);
        return json;
    }

    /** The peer of that id, or null. */
    public Peer peer(String id) {
        return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }
}
