package org.conch.gossip.net;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import org.conch.feed.Identity;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.LogEvents;
import org.conch.gossip.lan.LanAnnouncement;
import org.conch.gossip.lan.RecentPeers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * LAN discovery as ssb-lan does it: every {@value #INTERVAL_MS} ms this peer broadcasts its address on
 * every up, non-loopback IPv4 interface that has a broadcast address ({@code net:<that interface's IP>:<gossip
 * port>~shs:<our key>}), signed and boxed to UDP {@link LanAnnouncement#NORMAL_PORT} and as plain text to
 * UDP {@link LanAnnouncement#LEGACY_PORT}; and it listens on both ports (0.0.0.0, address reuse, so that other
 * Scuttlebutt apps on the machine can listen too) for other peers' announcements. Each peer heard, other than
 * ourselves, is handed to {@code onPeer} at most once per {@value #REPORT_WINDOW_MS} ms. Normal announcements
 * are passed on only when their signature verifies; legacy ones cannot be verified and are passed on as they
 * are (the secret handshake proves the key when the peer is dialled).
 *
 * <p>A port that cannot be bound is logged in one line and left out; the other one still works. Everything runs
 * on one Vert.x context; listing the interfaces and encoding runs on a worker. Reuse-port is asked for, but only
 * a native transport applies it; with Vert.x's default NIO transport SO_REUSEADDR alone lets sockets share the
 * port on Linux, broadcasts reaching each of them.
 */
public final class LanDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(LanDiscovery.class);
    public static final long INTERVAL_MS = 2_000;
    public static final long REPORT_WINDOW_MS = 30_000;
    /** Peers remembered for the report window at once. */
    private static final int MAX_RECENT_PEERS = 1_024;
    private static final String ANY_IPV4 = "0.0.0.0";

    private final Vertx vertx;
    private final Identity identity;
    private final GossipConfig gossip;
    private final int gossipPort;
    private final int normalPort;
    private final int legacyPort;
    private final Consumer<MultiserverAddress> onPeer;
    private final RecentPeers recent = new RecentPeers(REPORT_WINDOW_MS, MAX_RECENT_PEERS);

    private volatile Context context;
    private volatile boolean closed;
    private DatagramSocket normal;
    private DatagramSocket legacy;
    private long timer = -1;

    /**
     * @param gossip     the gossip node's settings: its network key boxes the announcements; a host other than a
     *                   wildcard limits the announcements to the interface with that IP
     * @param gossipPort the TCP port the gossip node listens on (its actual port, not 0)
     * @param normalPort the UDP port of signed announcements ({@link LanAnnouncement#NORMAL_PORT})
     * @param legacyPort the UDP port of plain-text ones ({@link LanAnnouncement#LEGACY_PORT})
     * @param onPeer     hears each other peer's address, on this discovery's context
     */
    public LanDiscovery(Vertx vertx, Identity identity, GossipConfig gossip, int gossipPort, int normalPort,
                        int legacyPort, Consumer<MultiserverAddress> onPeer) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.gossip = Objects.requireNonNull(gossip, "gossip");
        this.onPeer = Objects.requireNonNull(onPeer, "onPeer");
        if (gossipPort < 1 || gossipPort > 65535 || normalPort < 1 || normalPort > 65535
                || legacyPort < 1 || legacyPort > 65535 || normalPort == legacyPort) {
            throw new IllegalArgumentException("lan ports must be 1..65535 and the two UDP ports different, got gossip "
                    + gossipPort + ", UDP " + normalPort + " and " + legacyPort);
        }
        this.gossipPort = gossipPort;
        this.normalPort = normalPort;
        this.legacyPort = legacyPort;
    }

    /** On the standard ports, {@link LanAnnouncement#NORMAL_PORT} and {@link LanAnnouncement#LEGACY_PORT}. */
    public static LanDiscovery standard(Vertx vertx, Identity identity, GossipConfig gossip, int gossipPort,
                                        Consumer<MultiserverAddress> onPeer) {
        return new LanDiscovery(vertx, identity, gossip, gossipPort, LanAnnouncement.NORMAL_PORT,
                LanAnnouncement.LEGACY_PORT, onPeer);
    }

    /** Binds both ports (as far as it can), announces at once and then every {@value #INTERVAL_MS} ms. */
    public Future<Void> start() {
        if (context != null) {
            return Future.failedFuture(new IllegalStateException("LAN discovery is already started"));
        }
        Context started = vertx.getOrCreateContext();
        context = started;
        return Future.<Void>future(promise -> started.runOnContext(v -> {
            Future.join(bind(normalPort, true), bind(legacyPort, false)).onComplete(bound -> {
                if (closed) {
                    closeSockets();
                } else {
                    announce();
                    timer = vertx.setPeriodic(INTERVAL_MS, id -> announce());
                }
                promise.complete();
            });
        }));
    }

    /** Stops announcing and closes both sockets. */
    public Future<Void> close() {
        Context started = context;
        if (started == null) {
            closed = true;
            return Future.succeededFuture();
        }
        return Future.future(promise -> started.runOnContext(v -> {
            closed = true;
            if (timer != -1) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            closeSockets().onComplete(done -> promise.complete());
        }));
    }

    private Future<Void> bind(int port, boolean signed) {
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReuseAddress(true).setReusePort(true).setBroadcast(true));
        socket.handler(packet -> heard(packet, signed));
        socket.exceptionHandler(e -> LOG.debug("lan: UDP {}: {}", port, e.toString()));
        return socket.listen(port, ANY_IPV4)
                .onSuccess(s -> {
                    if (signed) normal = s;
                    else legacy = s;
                    LOG.info("lan discovery listening on UDP {} ({})", port, signed ? "ssb-lan" : "legacy ssb-local");
                })
                .onFailure(e -> LOG.warn("lan discovery: cannot bind UDP {} ({}), going on without it", port, e.getMessage()))
                .mapEmpty();
    }

    private Future<Void> closeSockets() {
        List<Future<Void>> closing = new ArrayList<>();
        if (normal != null) closing.add(normal.close());
        if (legacy != null) closing.add(legacy.close());
        normal = null;
        legacy = null;
        return Future.join(closing).mapEmpty();
    }

    // ------------------------------------------------------------------ announcing

    /** One broadcast datagram: the two payloads for one interface. */
    private record Announcement(String broadcast, byte[] normal, byte[] legacy) {
    }

    private void announce() {
        if (closed) return;
        recent.expire(System.currentTimeMillis());
        context.executeBlocking(this::announcements, false).onComplete(done -> {
            if (done.failed()) {
                LOG.debug("lan: cannot list the network interfaces: {}", done.cause().toString());
                return;
            }
            for (Announcement announcement : done.result()) {
                send(normal, announcement.normal(), normalPort, announcement.broadcast());
                send(legacy, announcement.legacy(), legacyPort, announcement.broadcast());
            }
        });
    }

    private void send(DatagramSocket socket, byte[] payload, int port, String host) {
        if (socket == null || closed) return;
        socket.send(Buffer.buffer(payload), port, host)
                .onFailure(e -> LOG.atDebug().addKeyValue("address", MultiserverAddress.hostPort(host, port)).addKeyValue("reason", e.toString())
                        .log("lan: sending to {}:{} failed: {}", host, port, e.toString()));
    }

    /** Our announcements for each broadcast-capable IPv4 interface (blocking: lists the interfaces). */
    private List<Announcement> announcements() throws SocketException {
        List<Announcement> result = new ArrayList<>();
        boolean anyHost = gossip.host().equals(ANY_IPV4) || gossip.host().equals("::");
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) continue;
            for (InterfaceAddress address : network.getInterfaceAddresses()) {
                if (!(address.getAddress() instanceof Inet4Address ip) || address.getBroadcast() == null) continue;
                String host = ip.getHostAddress();
                if (!anyHost && !host.equals(gossip.host())) continue;
                MultiserverAddress ours = new MultiserverAddress(host, gossipPort, identity.id());
                result.add(new Announcement(address.getBroadcast().getHostAddress(),
                        LanAnnouncement.encodeNormal(identity, ours, gossip.networkKey()),
                        LanAnnouncement.encodeLegacy(ours)));
            }
        }
        return result;
    }

    // ------------------------------------------------------------------ hearing

    private void heard(DatagramPacket packet, boolean signed) {
        if (closed) return;
        byte[] payload = packet.data().getBytes();
        Optional<LanAnnouncement> decoded = signed ? LanAnnouncement.decodeNormal(payload, gossip.networkKey())
                : LanAnnouncement.decodeLegacy(payload);
        if (decoded.isEmpty()) {
            LOG.atDebug().addKeyValue("address", packet.sender())
                    .log("lan: ignored a datagram of {} bytes from {}: not an announcement", payload.length, packet.sender());
            return;
        }
        MultiserverAddress address = decoded.get().address();
        if (address.key().equals(identity.id())) return;
        if (signed && !decoded.get().verified()) {
            LogEvents.peer(LOG.atDebug(), address).log("lan: ignored {} from {}: its signature does not verify", address, packet.sender());
            return;
        }
        if (!recent.report(address.key(), System.currentTimeMillis())) return;
        LogEvents.peer(LOG.atInfo(), address).log("lan: found {}{}", address, signed ? "" : " (legacy, unverified)");
        try {
            onPeer.accept(address);
        } catch (RuntimeException e) {
            LogEvents.peer(LOG.atWarn(), address).addKeyValue("reason", e.toString()).log("lan: handling {} failed: {}", address, e.toString());
        }
    }
}
