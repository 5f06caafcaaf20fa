package org.conch.gossip.room;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.RemoteCallException;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.SessionPair;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The room server's RPCs between in-memory sessions: attendants and their events, tunnels relaying bytes
 * both ways, privacy modes, and the limits that refuse, pause or cut a peer.
 */
class RoomServiceTest {
    private final Identity roomKey = Identity.generate();
    /** Every connection's thread, as one queue of tasks. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Executor loop = tasks::add;
    private final List<Runnable> timers = new ArrayList<>();
    private final Set<FeedId> members = new HashSet<>();
    private final List<FeedId> cut = new ArrayList<>();
    private final List<SessionPair> pairs = new ArrayList<>();
    private long nanos;
    private RoomService room;
    private final MethodRegistry roomMethods = new MethodRegistry();

    private void startRoom(RoomConfig config) {
        room = new RoomService(roomKey.id(), config, members::contains, (millis, task) -> timers.add(task), () -> nanos);
        RoomHandlers.register(roomMethods, room, List.of());
    }

    /** A connected peer: {@code pair.a} is the room's side, {@code pair.b} the peer's. */
    private final class Peer {
        final FeedId id = Identity.generate().id();
        final SessionPair pair;
        final RoomService.Peer attached;
        final List<Object> events = new ArrayList<>();
        final List<Map<?, ?>> tunnelsOpened = new ArrayList<>();
        final List<Object> tunnelItems = new ArrayList<>();
        Substream acceptedTunnel;
        GossipException attendantsEnd;

        Peer() {
            MethodRegistry own = new MethodRegistry();
            // what ssb-room-client does with a tunnel the room opens: accept it and keep its items
            own.duplex("tunnel.connect", MethodRegistry.Access.ANYONE, (context, args, stream) -> {
                tunnelsOpened.add((Map<?, ?>) args.get(0));
                acceptedTunnel = stream;
                return (s, item) -> tunnelItems.add(item);
            });
            pair = new SessionPair(roomMethods, Caller.anonymous(id.toString()), RpcSession.Options.defaults(),
                    own, Caller.anonymous(roomKey.id().toString()), RpcSession.Options.defaults());
            pairs.add(pair);
            attached = room.attach(pair.a.session, id, loop, reason -> cut.add(id));
        }

        RpcSession session() {
            return pair.b.session;
        }

        void attend() {
            session().source("room.attendants", List.of(), new StreamListener() {
                @Override
                public void onItem(Substream stream, Object item) {
                    events.add(item);
                }

                @Override
                public void onEnd(Substream stream, GossipException error) {
                    attendantsEnd = error;
                }
            });
            settle();
        }

        Substream tunnelTo(FeedId target, List<Object> received, List<GossipException> ends) {
            Substream stream = session().duplex("tunnel.connect",
                    List.of(Map.of("portal", roomKey.id().toString(), "target", target.toString())), new StreamListener() {
                        @Override
                        public void onItem(Substream s, Object item) {
                            received.add(item);
                        }

                        @Override
                        public void onEnd(Substream s, GossipException error) {
                            ends.add(error);
                        }
                    });
            settle();
            return stream;
        }

        void disconnect() {
            pair.a.session.close("gone");
            pair.b.session.close("gone");
            attached.close();
            settle();
        }
    }

    /** Runs queued tasks and delivers packets until nothing moves. */
    private void settle() {
        boolean moved = true;
        while (moved) {
            moved = false;
            while (!tasks.isEmpty()) {
                tasks.poll().run();
                moved = true;
            }
            for (SessionPair pair : pairs) {
                int before = pair.a.sent.size() + pair.b.sent.size();
                pair.pump();
                if (!tasks.isEmpty() || pair.a.sent.size() + pair.b.sent.size() != before) moved = true;
            }
        }
    }

    private static CompletableFuture<Object> call(Peer peer, String method) {
        return peer.session().async(method, List.of());
    }

    /** {@code target} attends and {@code origin} opens a tunnel to it. */
    private static Substream tunnelToAttendant(Peer origin, Peer target) {
        target.attend();
        return origin.tunnelTo(target.id, new ArrayList<>(), new ArrayList<>());
    }

    @Test
    void anAttendantGetsTheStateFirstThenWhoJoinsAndLeaves() {
        startRoom(RoomConfig.open("test room"));
        Peer alice = new Peer();
        Peer bob = new Peer();
        alice.attend();
        assertThat(alice.events).containsExactly(Map.of("type", "state", "ids", List.of(alice.id.toString())));

        bob.attend();
        assertThat(bob.events).containsExactly(Map.of("type", "state", "ids", List.of(alice.id.toString(), bob.id.toString())));
        assertThat(alice.events).element(1).isEqualTo(Map.of("type", "joined", "id", bob.id.toString()));

        bob.disconnect();
        assertThat(alice.events).element(2).isEqualTo(Map.of("type", "left", "id", bob.id.toString()));
        assertThat(room.attendants()).containsExactly(alice.id);
    }

    @Test
    void metadataNamesTheRoomItsFeaturesAndWhetherTheCallerIsAMember() {
        startRoom(RoomConfig.open("test room").withMode(PrivacyMode.COMMUNITY));
        Peer member = new Peer();
        members.add(member.id);
        Peer stranger = new Peer();
        CompletableFuture<Object> ofMember = call(member, "room.metadata");
        CompletableFuture<Object> ofStranger = call(stranger, "room.metadata");
        settle();
        assertThat(ofMember.join()).isEqualTo(Map.of("name", "test room", "membership", true,
                "features", List.of("tunnel", "room2")));
        assertThat(ofStranger.join()).isEqualTo(Map.of("name", "test room", "membership", false,
                "features", List.of("tunnel", "room2")));
    }

    @Test
    void aTunnelRelaysBytesBothWaysAndTellsTheTargetWhoAsked() {
        startRoom(RoomConfig.open("test room"));
        Peer alice = new Peer();
        Peer bob = new Peer();
        bob.attend();
        List<Object> atAlice = new ArrayList<>();
        List<GossipException> aliceEnds = new ArrayList<>();
        Substream tunnel = alice.tunnelTo(bob.id, atAlice, aliceEnds);

        assertThat(bob.tunnelsOpened).containsExactly(Map.of("portal", roomKey.id().toString(),
                "target", bob.id.toString(), "origin", alice.id.toString()));
        tunnel.write(new byte[]{1, 2, 3});
        settle();
        bob.acceptedTunnel.write(new byte[]{4, 5});
        settle();
        assertThat(bob.tunnelItems).containsExactly((Object) new byte[]{1, 2, 3});
        assertThat(atAlice).containsExactly((Object) new byte[]{4, 5});
        assertThat(alice.attached.tunnels()).isEqualTo(1);
        assertThat(room.openTunnels()).isEqualTo(1);

        tunnel.end();
        settle();
        assertThat(bob.acceptedTunnel.isClosed()).isTrue();
        assertThat(aliceEnds).containsExactly((GossipException) null);
        assertThat(alice.attached.tunnels()).isZero();
        assertThat(room.openTunnels()).isZero();
    }

    @Test
    void aTunnelToSomeoneAbsentOrToOneselfIsRefusedAndARepeatOffenderIsCut() {
        startRoom(RoomConfig.open("test room"));
        Peer mallory = new Peer();
        mallory.attend();
        List<GossipException> ends = new ArrayList<>();
        mallory.tunnelTo(Identity.generate().id(), new ArrayList<>(), ends);
        assertThat(ends).singleElement().isInstanceOf(RemoteCallException.class)
                .extracting(Throwable::getMessage).asString().contains("could not connect to");

        for (int i = 0; i < RoomService.MAX_REFUSALS; i++) mallory.tunnelTo(mallory.id, new ArrayList<>(), ends);
        assertThat(ends).hasSize(RoomService.MAX_REFUSALS + 1).last().extracting(Throwable::getMessage).asString()
                .contains("a tunnel to oneself");
        assertThat(cut).isEmpty();
        mallory.tunnelTo(mallory.id, new ArrayList<>(), ends);
        assertThat(cut).containsExactly(mallory.id);
        assertThat(room.refusals()).as("the absent target is no refusal of a limit").isEqualTo(RoomService.MAX_REFUSALS + 1);
    }

    @Test
    void tunnelsBeyondTheLimitPerAttendantAreRefused() {
        startRoom(RoomConfig.open("test room").withLimits(10, 2, 1 << 20));
        Peer alice = new Peer();
        Peer bob = new Peer();
        bob.attend();
        List<GossipException> ends = new ArrayList<>();
        alice.tunnelTo(bob.id, new ArrayList<>(), ends);
        alice.tunnelTo(bob.id, new ArrayList<>(), ends);
        alice.tunnelTo(bob.id, new ArrayList<>(), ends);
        assertThat(ends).singleElement().extracting(Throwable::getMessage).asString().contains("too many tunnels");
        assertThat(bob.tunnelsOpened).hasSize(2);
    }

    @Test
    void aFullRoomRefusesAnotherAttendant() {
        startRoom(RoomConfig.open("test room").withLimits(1, 2, 1 << 20));
        Peer alice = new Peer();
        Peer bob = new Peer();
        alice.attend();
        bob.attend();
        assertThat(bob.attendantsEnd).isNotNull().extracting(Throwable::getMessage).asString().contains("the room is full");
        assertThat(room.attendants()).containsExactly(alice.id);
    }

    @Test
    void inACommunityRoomOnlyMembersAttendButAnyoneMayTunnelToThem() {
        startRoom(RoomConfig.open("test room").withMode(PrivacyMode.COMMUNITY));
        Peer member = new Peer();
        members.add(member.id);
        Peer stranger = new Peer();
        stranger.attend();
        assertThat(stranger.attendantsEnd).isNotNull().extracting(Throwable::getMessage).asString().contains("not a member");
        member.attend();
        assertThat(room.attendants()).containsExactly(member.id);

        List<GossipException> ends = new ArrayList<>();
        stranger.tunnelTo(member.id, new ArrayList<>(), ends);
        assertThat(ends).isEmpty();
        assertThat(member.tunnelsOpened).hasSize(1);
        assertThat(room.admits(stranger.id)).isTrue();
        assertThat(new RoomService(roomKey.id(), RoomConfig.open("r").withMode(PrivacyMode.RESTRICTED), members::contains,
                (millis, task) -> { }, () -> 0).admits(stranger.id)).isFalse();
    }

    @Test
    void aSenderOverTheRateIsPausedUntilTheBucketRefills() {
        startRoom(RoomConfig.open("test room").withLimits(10, 2, 1024));
        Peer alice = new Peer();
        Peer bob = new Peer();
        Substream tunnel = tunnelToAttendant(alice, bob);
        tunnel.write(new byte[1000]);
        settle();
        assertThat(alice.pair.a.readingPaused).isFalse();
        tunnel.write(new byte[1000]);
        settle();
        assertThat(alice.pair.a.readingPaused).as("the room stops reading alice").isTrue();
        assertThat(timers).hasSize(1);

        nanos += 1_000_000_000L;
        timers.remove(0).run();
        settle();
        assertThat(alice.pair.a.readingPaused).isFalse();
        assertThat(bob.tunnelItems).hasSize(2);
    }

    @Test
    void aTargetThatLeavesTunnelBytesUnreadIsCutAfterTheStallTimeout() {
        startRoom(RoomConfig.open("test room"));
        Peer alice = new Peer();
        Peer bob = new Peer();
        Substream tunnel = tunnelToAttendant(alice, bob);
        bob.pair.a.queueFull = true; // bob's socket takes nothing more
        tunnel.write(new byte[100]);
        settle();
        assertThat(timers).hasSize(1);
        timers.remove(0).run();
        settle();
        assertThat(cut).containsExactly(bob.id);
    }

    @Test
    void aTargetThatDrainsInTimeIsNotCut() {
        startRoom(RoomConfig.open("test room"));
        Peer alice = new Peer();
        Peer bob = new Peer();
        Substream tunnel = tunnelToAttendant(alice, bob);
        bob.pair.a.queueFull = true;
        tunnel.write(new byte[100]);
        settle();
        bob.pair.a.queueFull = false;
        bob.pair.a.session.drained();
        settle();
        timers.remove(0).run();
        settle();
        assertThat(cut).isEmpty();
    }

    @Test
    void aSenderPausedForAStalledTargetIsReadAgainOnceTheTargetIsGone() {
        startRoom(RoomConfig.open("test room").withLimits(10, 2, 64L << 20));
        Peer alice = new Peer();
        Peer bob = new Peer();
        bob.attend();
        List<GossipException> aliceEnds = new ArrayList<>();
        Substream tunnel = alice.tunnelTo(bob.id, new ArrayList<>(), aliceEnds);
        bob.pair.a.queueFull = true;
        for (int i = 0; i < 5; i++) tunnel.write(new byte[64 * 1024]);
        settle();
        assertThat(alice.pair.a.readingPaused).as("over the window the room stops reading alice").isTrue();

        bob.disconnect();
        assertThat(alice.pair.a.readingPaused).isFalse();
        assertThat(aliceEnds).singleElement().isNotNull();
        assertThat(alice.attached.tunnels()).isZero();
    }

    @Test
    void roomOneClientsAnnounceLeaveAndFollowTheEndpointsList() {
        startRoom(RoomConfig.open("test room"));
        Peer watcher = new Peer();
        Peer carol = new Peer();
        List<Object> endpoints = new ArrayList<>();
        watcher.session().source("tunnel.endpoints", List.of(), (stream, item) -> endpoints.add(item));
        settle();
        assertThat(endpoints).containsExactly(List.of(watcher.id.toString()));

        CompletableFuture<Object> announced = call(carol, "tunnel.announce");
        settle();
        assertThat(announced.join()).isEqualTo(true);
        assertThat(endpoints).last().isEqualTo(List.of(watcher.id.toString(), carol.id.toString()));

        CompletableFuture<Object> left = call(carol, "tunnel.leave");
        settle();
        assertThat(left.join()).isEqualTo(true);
        assertThat(endpoints).last().isEqualTo(List.of(watcher.id.toString()));
        assertThat(room.attendants()).containsExactly(watcher.id);
    }

    @Test
    void isRoomAndPingAnswerEveryone() {
        startRoom(RoomConfig.open("test room").withMode(PrivacyMode.RESTRICTED));
        Peer stranger = new Peer();
        CompletableFuture<Object> isRoom = call(stranger, "tunnel.isRoom");
        CompletableFuture<Object> ping = call(stranger, "tunnel.ping");
        settle();
        assertThat(isRoom.join()).isInstanceOf(Map.class).asString().contains("test room");
        assertThat(ping.join()).isInstanceOf(Double.class);
    }
}
