package org.conch.gossip.net;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.lan.LanAnnouncement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * LAN discovery over real UDP sockets on free ports: two instances sharing one port pair hear each other's
 * broadcasts on this machine's broadcast-capable interfaces; raw datagrams sent to 127.0.0.1 probe what one
 * instance passes on. Event loops fail loudly past 200 ms.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LanDiscoveryIT {
    private static final long DEADLINE_MS = 10_000;

    private Vertx vertx;
    private final List<LanDiscovery> discoveries = new ArrayList<>();
    private int normalPort;
    private int legacyPort;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions()
                .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
        try (DatagramSocket first = new DatagramSocket(0); DatagramSocket second = new DatagramSocket(0)) {
            normalPort = first.getLocalPort();
            legacyPort = second.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (LanDiscovery discovery : discoveries) {
            discovery.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void twoPeersOnOnePortPairHearEachOtherAndNeverThemselves() throws Exception {
        Set<String> broadcastHosts = broadcastCapableIpv4Hosts();
        assumeFalse(broadcastHosts.isEmpty(), "this machine has no up, non-loopback IPv4 interface with a broadcast address");
        Identity alice = Identity.generate();
        Identity bob = Identity.generate();
        BlockingQueue<MultiserverAddress> aliceHeard = new LinkedBlockingQueue<>();
        BlockingQueue<MultiserverAddress> bobHeard = new LinkedBlockingQueue<>();
        start(alice, 40_001, aliceHeard);
        start(bob, 40_002, bobHeard);

        List<MultiserverAddress> byAlice = awaitKey(aliceHeard, bob.id());
        List<MultiserverAddress> byBob = awaitKey(bobHeard, alice.id());

        MultiserverAddress bobAsHeard = byAlice.get(byAlice.size() - 1);
        assertThat(bobAsHeard.port()).isEqualTo(40_002);
        assertThat(bobAsHeard.host()).isIn(broadcastHosts);
        MultiserverAddress aliceAsHeard = byBob.get(byBob.size() - 1);
        assertThat(aliceAsHeard.port()).isEqualTo(40_001);
        assertThat(aliceAsHeard.host()).isIn(broadcastHosts);
        // both saw their own broadcasts too (the test peer below proves those arrive) and passed none of them on
        assertThat(byAlice).extracting(MultiserverAddress::key).containsOnly(bob.id());
        assertThat(byBob).extracting(MultiserverAddress::key).containsOnly(alice.id());
    }

    @Test
    void bothPortsCarryBroadcastsThatAnotherAppSharingThePortsReceives() throws Exception {
        Set<String> broadcastHosts = broadcastCapableIpv4Hosts();
        assumeFalse(broadcastHosts.isEmpty(), "this machine has no up, non-loopback IPv4 interface with a broadcast address");
        Identity alice = Identity.generate();
        byte[] networkKey = GossipConfig.defaults().networkKey();
        try (DatagramSocket normal = sharedSocket(normalPort); DatagramSocket legacy = sharedSocket(legacyPort)) {
            start(alice, 40_003, new LinkedBlockingQueue<>());

            LanAnnouncement signed = LanAnnouncement.decodeNormal(receive(normal), networkKey).orElseThrow();
            LanAnnouncement plain = LanAnnouncement.decodeLegacy(receive(legacy)).orElseThrow();

            assertThat(signed.verified()).isTrue();
            assertThat(signed.address().key()).isEqualTo(alice.id());
            assertThat(signed.address().host()).isIn(broadcastHosts);
            assertThat(plain.address().key()).isEqualTo(alice.id());
            assertThat(plain.address().port()).isEqualTo(40_003);
        }
    }

    @Test
    void passesOnVerifiedAndLegacyAnnouncementsOncePerWindowAndDropsBadOnesAndItsOwn() throws Exception {
        Identity alice = Identity.generate();
        Identity bob = Identity.generate();
        Identity carol = Identity.generate();
        Identity dave = Identity.generate();
        byte[] networkKey = GossipConfig.defaults().networkKey();
        BlockingQueue<MultiserverAddress> heard = new LinkedBlockingQueue<>();
        start(alice, 40_004, heard);
        MultiserverAddress bobs = new MultiserverAddress("192.168.1.6", 8008, bob.id());
        MultiserverAddress carols = new MultiserverAddress("192.168.1.7", 8008, carol.id());
        MultiserverAddress daves = new MultiserverAddress("192.168.1.8", 8008, dave.id());
        MultiserverAddress alices = new MultiserverAddress("192.168.1.5", 40_004, alice.id());
        byte[] bobSignedByCarol = LanAnnouncement.encodeNormal(bob, bobs, networkKey);
        byte[] carolSigned = LanAnnouncement.encodeNormal(carol, carols, networkKey);
        System.arraycopy(carolSigned, carolSigned.length - 64, bobSignedByCarol, bobSignedByCarol.length - 64, 64);

        try (DatagramSocket raw = new DatagramSocket()) {
            // datagrams to one port arrive in order: each batch ends with one that must be passed on
            send(raw, normalPort, bobSignedByCarol, LanAnnouncement.encodeNormal(alice, alices, networkKey),
                    LanAnnouncement.encodeNormal(dave, daves, new byte[32]), "garbage".getBytes(), carolSigned);
            assertThat(heard.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)).isEqualTo(carols);

            send(raw, normalPort, carolSigned, LanAnnouncement.encodeNormal(dave, daves, networkKey));
            assertThat(heard.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)).isEqualTo(daves);

            send(raw, legacyPort, LanAnnouncement.encodeLegacy(alices), LanAnnouncement.encodeLegacy(carols),
                    LanAnnouncement.encodeLegacy(bobs));
            assertThat(heard.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)).isEqualTo(bobs);
        }
        assertThat(heard).isEmpty();
    }

    @Test
    void aPortInUseWithoutReuseIsLeftOutAndTheOtherStillWorks() throws Exception {
        Identity alice = Identity.generate();
        Identity bob = Identity.generate();
        BlockingQueue<MultiserverAddress> heard = new LinkedBlockingQueue<>();
        try (DatagramSocket taken = new DatagramSocket(normalPort); DatagramSocket raw = new DatagramSocket()) {
            start(alice, 40_005, heard);
            MultiserverAddress bobs = new MultiserverAddress("192.168.1.6", 8008, bob.id());
            send(raw, legacyPort, LanAnnouncement.encodeLegacy(bobs));
            assertThat(heard.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)).isEqualTo(bobs);
            assertThat(taken.getLocalPort()).isEqualTo(normalPort);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void start(Identity identity, int gossipPort, BlockingQueue<MultiserverAddress> heard) throws Exception {
        LanDiscovery discovery = new LanDiscovery(vertx, identity, GossipConfig.defaults(), gossipPort, normalPort,
                legacyPort, heard::add);
        discoveries.add(discovery);
        discovery.start().await(10, TimeUnit.SECONDS);
    }

    /** Everything heard until an address with {@code key} arrives (the last one), or fails at the deadline. */
    private static List<MultiserverAddress> awaitKey(BlockingQueue<MultiserverAddress> heard, FeedId key)
            throws InterruptedException {
        List<MultiserverAddress> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        while (all.isEmpty() || !all.get(all.size() - 1).key().equals(key)) {
            MultiserverAddress next = heard.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(next).as("an announcement of %s within %d ms (heard %s)", key, DEADLINE_MS, all).isNotNull();
            all.add(next);
        }
        return all;
    }

    private static DatagramSocket sharedSocket(int port) throws SocketException {
        DatagramSocket socket = new DatagramSocket(null);
        socket.setReuseAddress(true);
        socket.setSoTimeout((int) DEADLINE_MS);
        socket.bind(new java.net.InetSocketAddress("0.0.0.0", port));
        return socket;
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        socket.receive(packet);
        return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static void send(DatagramSocket socket, int port, byte[]... payloads) throws Exception {
        for (byte[] payload : payloads) {
            socket.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
        }
    }

    private static Set<String> broadcastCapableIpv4Hosts() throws SocketException {
        Set<String> hosts = new HashSet<>();
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) continue;
            for (InterfaceAddress address : network.getInterfaceAddresses()) {
                if (address.getAddress() instanceof Inet4Address && address.getBroadcast() != null) {
                    hosts.add(address.getAddress().getHostAddress());
                }
            }
        }
        return hosts;
    }
}
