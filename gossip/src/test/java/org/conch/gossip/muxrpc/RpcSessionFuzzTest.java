package org.conch.gossip.muxrpc;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;
import org.conch.feed.testing.Mutations;
import org.conch.gossip.muxrpc.MethodRegistry.Access;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RpcSession#receive} fed what a peer may send once frames decode: requests whose JSON bodies are
 * mutated from real ones or built from any name, args and type, replies and stream packets for numbers that are
 * open, closed or never used, with any flags and body type. It throws nothing but {@link MuxrpcException} (on
 * which the adapter closes the connection), and it answers only the peer's requests and ends only its own streams:
 * every packet it sends carries the negated number of a peer request, or the number of one of our calls.
 */
@Fuzz.Target
class RpcSessionFuzzTest {
    private static final List<String> NAMES = List.of("whoami", "echo", "fails", "admin", "createHistoryStream",
            "ebt.replicate", "blobs.add", "nothing");
    /** Our three calls: an async, a source and a duplex. */
    private static final int OUR_CALLS = 3;

    @Property(tries = 1_000)
    void aPeerCannotMakeTheSessionThrowAnythingButAProtocolError(@ForAll("conversations") List<Packet> packets) {
        List<Packet> sent = new ArrayList<>();
        RpcSession session = new RpcSession(registry(), Caller.anonymous("@peer"), sent::add);
        CompletableFuture<Object> call = session.async("whoami", List.of());
        session.source("createHistoryStream", List.of(Map.of("seq", 1.0)), (stream, item) -> { });
        session.duplex("ebt.replicate", List.of(Map.of("version", 3.0)), (stream, item) -> stream.write(item));
        sent.clear();

        Fuzz.Outcome<Void> outcome = Fuzz.run(() -> {
            for (Packet packet : packets) {
                session.receive(packet);
            }
        });
        outcome.allowing(MuxrpcException.class);
        Statistics.collect(outcome.thrown() != null ? "protocol error" : "served");
        session.close("the fuzz conversation ended");
        assertThat(call).isDone();

        List<Integer> peerRequests = packets.stream().map(Packet::request).filter(r -> r > 0).toList();
        for (Packet reply : sent) {
            int request = reply.request();
            boolean ours = request > 0 && request <= OUR_CALLS;
            assertThat(ours || (request < 0 && peerRequests.contains(-request)))
                    .as("%s answers a request of the peer or ends a call of ours", reply).isTrue();
        }
    }

    /** Up to a dozen packets: requests, mutated requests, and packets of any flags for numbers near the open ones. */
    @Provide
    Arbitrary<List<Packet>> conversations() {
        Arbitrary<Integer> requests = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(-OUR_CALLS - 1, 8)),
                Tuple.of(1, Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, 300, 100_000)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<byte[]> bodies = Arbitraries.frequencyOf(
                Tuple.of(3, requestBodies()),
                Tuple.of(3, mutatedBodies()),
                Tuple.of(1, Arbitraries.of("true", "null", "{}", "[]", "\"x\"", "{\"message\":1}").map(RpcSessionFuzzTest::utf8)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64)));
        Arbitrary<BodyType> types = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(BodyType.JSON)),
                Tuple.of(1, Arbitraries.of(BodyType.STRING, BodyType.BINARY)));
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), types, requests, bodies)
                .as(Packet::new).list().ofMaxSize(12);
    }

    /** {name, args, type} with each part present or not, right or wrong. */
    private static Arbitrary<byte[]> requestBodies() {
        Arbitrary<Object> names = Arbitraries.oneOf(
                Arbitraries.of(NAMES).map(name -> (Object) name),
                Arbitraries.of(NAMES).map(name -> (Object) Arrays.asList((Object[]) name.split("\\."))),
                Arbitraries.<Object>of(List.of(), List.of(1.0), Arrays.asList("ebt", null), "", 1.0, true),
                Arbitraries.strings().ofMaxLength(12).map(name -> (Object) name));
        Arbitrary<Object> args = Arbitraries.<Object>of(List.of(), List.of(Map.of("id", "@x", "seq", 1.0)),
                List.of(1.0, "a"), Map.of(), "args", 0.0, Arrays.asList((Object) null));
        Arbitrary<Object> types = Arbitraries.<Object>of("async", "source", "sink", "duplex", "sync", "", 1.0);
        return Combinators.combine(names, args, types, Arbitraries.integers().between(0, 7)).as((name, arg, type, present) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            if ((present & 1) == 0) body.put("name", name);
            if ((present & 2) == 0) body.put("args", arg);
            if ((present & 4) == 0) body.put("type", type);
            return utf8(CanonicalJson.compact(body));
        });
    }

    /** The bodies of real requests and replies, mutated as bytes. */
    private static Arbitrary<byte[]> mutatedBodies() {
        List<byte[]> seeds = MuxrpcFuzzing.seedPackets().stream().map(Packet::body).toList();
        return Mutations.ofBytes(seeds, Mutations.utf8(FuzzSeeds.JSON_TOKENS)).filter(body -> body.length > 0);
    }

    /** Methods of every call type and access, handlers that answer, fail and throw. */
    private static MethodRegistry registry() {
        return new MethodRegistry()
                .async("whoami", Access.ANYONE, (context, args) -> CompletableFuture.completedFuture(Map.of("id", "@me")))
                .async("echo", Access.ANYONE, (context, args) -> CompletableFuture.completedFuture(args))
                .async("fails", Access.ANYONE, (context, args) -> {
                    throw new IllegalStateException("a handler that throws");
                })
                .async("admin", Access.MASTER, (context, args) -> CompletableFuture.completedFuture(true))
                .source("createHistoryStream", Access.ANYONE, (context, args, stream) -> {
                    stream.write(args);
                    stream.end();
                    return StreamListener.IGNORE;
                })
                .duplex("ebt.replicate", Access.ANYONE, (context, args, stream) -> (s, item) -> s.write(item))
                .sink("blobs.add", Access.ANYONE, (context, args, stream) -> (s, item) -> { });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
