package org.conch.gossip.blobs;

import org.conch.feed.BlobId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The want/have exchange of ssb-blobs ({@code blobs.createWants}) as a pure state machine, shared by all
 * connections: events in (a peer's want-stream item, a local want, a blob stored, a fetch failed, a peer
 * gone), {@link Decisions} out (items to write on the want stream served to each peer, blobs to fetch from
 * which peer). No I/O, no threads: the adapter ({@link BlobService}) feeds it from one thread at a time.
 *
 * <p>Wire meaning of an item {@code {blobId: n}}: {@code n < 0} a want, {@code -1} "I want it", {@code -2}
 * "a peer of mine wants it" and so on; {@code n > 0} a have, the blob's size. As in ssb-blobs: a want for a
 * blob held here is answered with its size on that peer's stream; a want for one missing is adopted one hop
 * further ({@code n - 1}) and passed to every peer unless more than {@code sympathy} hops away; a have for a
 * wanted blob no larger than the limit starts a fetch from that peer (one fetch per blob, and at most
 * {@code parallelFetches} blobs, at a time; when one fails, the next peer that has it is tried); a stored blob
 * is announced to every peer as a have.
 */
public final class BlobWants {
    /** ssb-blobs' default: wants travel at most 3 hops. */
    public static final int DEFAULT_SYMPATHY = 3;
    /** Blobs fetched at once, each held in memory until verified: the rest wait their turn. */
    public static final int DEFAULT_PARALLEL_FETCHES = 4;

    /** The size of a stored blob, or -1 when it is not stored. Must not block (an in-memory index). */
    @FunctionalInterface
    public interface Sizes {
        long sizeOf(BlobId id);
    }

    /** Fetch {@code id} (which {@code peer} says is {@code size} bytes) from that peer. */
    public record Fetch(String peer, BlobId id, long size) {
    }

    /**
     * What to do after one event: {@code send} maps a peer to the item for the want stream served to it,
     * {@code fetches} are the blobs to get.
     */
    public record Decisions(Map<String, Map<String, Object>> send, List<Fetch> fetches) {
        public boolean isEmpty() {
            return send.isEmpty() && fetches.isEmpty();
        }
    }

    /** A connected peer: whether it has opened the want stream we serve it, and what waits until then. */
    private static final class Peer {
        boolean streamOpen;
        final Map<String, Object> pending = new LinkedHashMap<>();
        final Map<BlobId, Long> offers = new HashMap<>();
    }

    private final long maxBytes;
    private final int sympathy;
    private final int parallelFetches;
    private final Sizes sizes;
    private final Map<BlobId, Integer> wants = new LinkedHashMap<>();
    private final Map<BlobId, String> getting = new HashMap<>();
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private Decisions decisions;

    public BlobWants(long maxBytes, int sympathy, Sizes sizes) {
        this(maxBytes, sympathy, DEFAULT_PARALLEL_FETCHES, sizes);
    }

    public BlobWants(long maxBytes, int sympathy, int parallelFetches, Sizes sizes) {
        this.maxBytes = maxBytes;
        this.sympathy = sympathy;
        this.parallelFetches = parallelFetches;
        this.sizes = sizes;
    }

    // ------------------------------------------------------------------ events

    /** A connection to {@code peer} (a label unique per connection) is up. */
    public void connected(String peer) {
        peers.computeIfAbsent(peer, p -> new Peer());
    }

    /**
     * The peer called our {@code blobs.createWants}: returns the stream's first item, every current want
     * (empty map when there are none) with what waited for the stream merged in. Later items come in
     * {@link Decisions#send()}.
     */
    public Map<String, Object> streamOpened(String peer) {
        Peer state = peers.computeIfAbsent(peer, p -> new Peer());
        state.streamOpen = true;
        Map<String, Object> first = wantMap();
        first.putAll(state.pending);
        state.pending.clear();
        return first;
    }

    /** One item from the peer's want stream (what our {@code blobs.createWants} call on it returns). */
    public Decisions received(String peer, Object item) {
        begin();
        if (item instanceof Map<?, ?> map && peers.containsKey(peer)) {
            Map<String, Object> haves = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                BlobId id = entry.getKey() instanceof String text ? BlobId.tryParse(text).orElse(null) : null;
                Long n = wholeNumber(entry.getValue());
                if (id == null || n == null) continue;
                if (n <= 0) {
                    long size = sizes.sizeOf(id);
                    if (size > 0) haves.put(id.toString(), (double) size);
                    else adoptWant(id, n - 1);
                } else {
                    has(peer, id, n);
                }
            }
            if (!haves.isEmpty()) sendTo(peer, haves);
        }
        return end();
    }

    /** The peer asked {@code blobs.has} of blobs; ssb-blobs reads that as their wanting them. */
    public Decisions askedFor(String peer, List<BlobId> ids) {
        Map<String, Object> asWants = new LinkedHashMap<>();
        for (BlobId id : ids) asWants.put(id.toString(), -1.0);
        return received(peer, asWants);
    }

    /** This peer wants {@code id} itself (hops -1): asks every peer, fetches it from one that has it. */
    public Decisions want(BlobId id) {
        begin();
        if (sizes.sizeOf(id) < 0) adoptWant(id, -1);
        return end();
    }

    /** A blob was stored: it is no longer wanted, and every peer hears that we have it. */
    public Decisions added(BlobId id, long size) {
        begin();
        wants.remove(id);
        getting.remove(id);
        broadcast(id, size);
        fetchWaiting();
        return end();
    }

    /** Fetching {@code id} from {@code peer} failed (refused, too large, wrong bytes, gone): try another peer. */
    public Decisions fetchFailed(String peer, BlobId id) {
        begin();
        if (peer.equals(getting.get(id))) getting.remove(id);
        Peer state = peers.get(peer);
        if (state != null) state.offers.remove(id);
        fetchWaiting();
        return end();
    }

    /** The connection to {@code peer} is gone; what was being fetched from it is tried elsewhere. */
    public Decisions disconnected(String peer) {
        begin();
        peers.remove(peer);
        getting.values().removeIf(peer::equals);
        fetchWaiting();
        return end();
    }

    // ------------------------------------------------------------------ queries

    /** Every want, {@code {blobId: hops}} (hops negative), as the first item of a want stream. */
    public Map<String, Object> wantMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        wants.forEach((id, hops) -> map.put(id.toString(), (double) hops));
        return map;
    }

    public boolean isWanted(BlobId id) {
        return wants.containsKey(id);
    }

    /** Which connected peers said they have {@code id}, and its size by their word. */
    public Map<String, Long> offers(BlobId id) {
        Map<String, Long> offers = new LinkedHashMap<>();
        peers.forEach((name, state) -> {
            Long size = state.offers.get(id);
            if (size != null) offers.put(name, size);
        });
        return offers;
    }

    public int connectedPeers() {
        return peers.size();
    }

    // ------------------------------------------------------------------ rules

    private void adoptWant(BlobId id, long hops) {
        if (Math.abs(hops) > sympathy) return;
        Integer current = wants.get(id);
        if (current != null && current >= hops) return; // already wanted as close or closer
        wants.put(id, (int) hops);
        broadcast(id, hops);
        fetchFromAnyone(id);
    }

    private void has(String peer, BlobId id, long size) {
        peers.get(peer).offers.put(id, size);
        if (wants.containsKey(id) && !getting.containsKey(id) && size <= maxBytes && getting.size() < parallelFetches) {
            fetch(peer, id, size);
        }
    }

    /** Starts fetches of wanted blobs some peer has, while there is room. */
    private void fetchWaiting() {
        for (BlobId id : wants.keySet()) {
            if (getting.size() >= parallelFetches) return;
            fetchFromAnyone(id);
        }
    }

    private void fetchFromAnyone(BlobId id) {
        if (getting.containsKey(id) || getting.size() >= parallelFetches) return;
        for (Map.Entry<String, Peer> entry : peers.entrySet()) {
            Long size = entry.getValue().offers.get(id);
            if (size != null && size <= maxBytes) {
                fetch(entry.getKey(), id, size);
                return;
            }
        }
    }

    private void fetch(String peer, BlobId id, long size) {
        getting.put(id, peer);
        decisions.fetches().add(new Fetch(peer, id, size));
    }

    private void broadcast(BlobId id, long n) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put(id.toString(), (double) n);
        for (String peer : peers.keySet()) sendTo(peer, item);
    }

    private void sendTo(String peer, Map<String, Object> item) {
        Peer state = peers.get(peer);
        if (state == null) return;
        if (!state.streamOpen) {
            state.pending.putAll(item);
            return;
        }
        decisions.send().computeIfAbsent(peer, p -> new LinkedHashMap<>()).putAll(item);
    }

    private void begin() {
        decisions = new Decisions(new LinkedHashMap<>(), new ArrayList<>());
    }

    private Decisions end() {
        Decisions done = decisions;
        decisions = null;
        return done;
    }

    /** A JSON number that is a whole number (ssb-blobs: {@code Number.isInteger}), else null. */
    private static Long wholeNumber(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) return d.longValue();
        if (value instanceof Long l) return l;
        if (value instanceof Integer i) return (long) i;
        return null;
    }
}
