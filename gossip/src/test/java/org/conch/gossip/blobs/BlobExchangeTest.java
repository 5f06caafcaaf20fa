package org.conch.gossip.blobs;

import org.conch.feed.BlobId;
import org.conch.feed.blob.BlobStore;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.SessionPair;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two conch peers' blob exchange over in-memory muxrpc sessions (every executor runs tasks at once, so
 * a pump of the sessions settles everything): createWants, fetch by want, the RPCs' arguments and refusals.
 */
class BlobExchangeTest {
    private static final Executor DIRECT = Runnable::run;
    private static final long MAX = 200_000;

    @TempDir
    Path dir;

    private BlobStore storeA;
    private BlobStore storeB;
    private BlobService serviceA;
    private BlobService serviceB;
    private SessionPair pair;

    private void connect(MethodRegistry registryOfB) {
        storeA = BlobStore.open(dir.resolve("a"), MAX, 10 * MAX);
        storeB = BlobStore.open(dir.resolve("b"), MAX, 10 * MAX);
        serviceA = new BlobService(storeA, DIRECT, BlobWants.DEFAULT_SYMPATHY, java.time.Duration.ofMillis(200));
        serviceB = new BlobService(storeB, DIRECT);
        MethodRegistry registryOfA = BlobHandlers.register(new MethodRegistry(), serviceA);
        pair = new SessionPair(registryOfA, Caller.anonymous("@b"), RpcSession.Options.defaults(),
                registryOfB == null ? BlobHandlers.register(new MethodRegistry(), serviceB) : registryOfB,
                Caller.anonymous("@a"), RpcSession.Options.defaults());
        serviceA.attach(pair.a.session, DIRECT);
        if (registryOfB == null) serviceB.attach(pair.b.session, DIRECT);
        pair.pump();
    }

    @Test
    void theFirstItemOfEachWantStreamIsTheWantMapEvenWhenEmpty() {
        connect(null);
        assertThat(firstStreamItem(pair.a.sent)).isEqualTo(Map.of());
        assertThat(firstStreamItem(pair.b.sent)).isEqualTo(Map.of());
        assertThat(pair.a.session.openOutgoingStreams()).as("the want streams stay open").isEqualTo(1);
    }

    @Test
    void aWantedBlobIsFetchedFromThePeerThatHasItVerifiedAndStored() {
        connect(null);
        byte[] bytes = random(150_000, 1);
        BlobId id = storeB.add(bytes);
        CompletableFuture<Long> stored = serviceA.want(id);
        pair.pump();
        assertThat(stored).isCompletedWithValue(150_000L);
        assertThat(storeA.read(id)).isEqualTo(bytes);
        // the other way, wanted before the blob exists: fetched once it is added
        CompletableFuture<Long> later = serviceB.want(BlobStore.idOf("later".getBytes(StandardCharsets.UTF_8)));
        pair.pump();
        assertThat(later).isNotDone();
        storeA.add("later".getBytes(StandardCharsets.UTF_8));
        pair.pump();
        assertThat(later).isCompletedWithValue(5L);
    }

    @Test
    void blobsOfRecentMessagesStoredBeforeStartAreWantedForFollowedFeedsOnly() {
        connect(null);
        BlobId followedImage = storeB.add(random(1_000, 2));
        BlobId otherImage = storeB.add(random(1_000, 3));
        org.conch.feed.Identity followed = org.conch.feed.Identity.generate();
        org.conch.feed.Identity other = org.conch.feed.Identity.generate();
        try (org.conch.feed.store.H2FeedStore feeds = org.conch.feed.store.H2FeedStore.open(org.conch.feed.store.StoreOptions.inMemoryStore())) {
            feeds.publish(followed, Map.of("type", "about", "about", followed.id().toString(), "image", followedImage.toString()),
                    org.conch.feed.SignCap.NONE);
            feeds.publish(other, Map.of("type", "post", "text", "x", "mentions", List.of(Map.of("link", otherImage.toString()))),
                    org.conch.feed.SignCap.NONE);
            serviceA.wantReferencedBlobsOfRecentMessages(feeds, feed -> feed.equals(followed.id()));
            pair.pump();
        }
        assertThat(storeA.has(followedImage)).as("the followed feed's picture was wanted and fetched").isTrue();
        assertThat(storeA.has(otherImage)).as("a feed not replicated is left alone").isFalse();
    }

    @Test
    void bytesThatDoNotMatchTheIdAreRefusedAndTheConnectionStays() {
        byte[] real = "the real bytes".getBytes(StandardCharsets.UTF_8);
        BlobId id = BlobStore.idOf(real);
        MethodRegistry liar = offering(id, real.length);
        liar.source("blobs.get", Access.ANYONE, (context, args, stream) -> {
            stream.write("other bytesxxx".getBytes(StandardCharsets.UTF_8));
            stream.end();
            return StreamListener.IGNORE;
        });
        connect(liar);
        CompletableFuture<Long> stored = serviceA.want(id);
        pair.pump();
        assertThat(stored).isNotDone();
        assertThat(storeA.has(id)).isFalse();
        assertThat(pair.a.session.isClosed()).isFalse();
    }

    @Test
    void aFetchThatStallsIsGivenUpSoThatAnotherPeerCanBeAsked() throws Exception {
        byte[] real = "never sent".getBytes(StandardCharsets.UTF_8);
        BlobId id = BlobStore.idOf(real);
        MethodRegistry staller = offering(id, real.length);
        staller.source("blobs.get", Access.ANYONE, (context, args, stream) -> StreamListener.IGNORE); // never writes
        connect(staller);
        serviceA.want(id);
        pair.pump();
        assertThat(serviceA.offers(id).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS)).containsKey("@b");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!serviceA.offers(id).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS).isEmpty()) {
            assertThat(System.nanoTime()).as("the stalled fetch was given up within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        pair.pump(); // the abort reaches the staller; the connection stays
        assertThat(pair.a.session.isClosed()).isFalse();
    }

    @Test
    void getHonoursMaxAndSizeAndGetSliceIsHalfOpen() {
        connect(null);
        byte[] bytes = random(1000, 2);
        BlobId id = storeB.add(bytes);
        assertThat(read("blobs.get", id.toString())).isEqualTo(bytes);
        assertThat(read("blobs.get", options("key", id.toString(), "size", 1000.0))).isEqualTo(bytes);
        assertThat(read("blobs.get", options("hash", id.toString(), "max", 1000.0))).isEqualTo(bytes);
        assertThat(error("blobs.get", options("key", id.toString(), "max", 999.0))).startsWith("incorrect file length");
        assertThat(error("blobs.get", options("key", id.toString(), "size", 3.0))).startsWith("incorrect file length");
        assertThat(error("blobs.get", "&" + "A".repeat(43) + "=.sha256")).contains("could not get blob");
        assertThat(error("blobs.get", "not a blob")).contains("invalid hash");
        assertThat(read("blobs.getSlice", options("hash", id.toString(), "start", 10.0, "end", 20.0)))
                .isEqualTo(java.util.Arrays.copyOfRange(bytes, 10, 20));
        assertThat(error("blobs.getSlice", options("hash", id.toString(), "start", 10.0))).contains("{end} must be a number");
        assertThat(pair.a.session.isClosed()).as("errors end the stream, not the connection").isFalse();
    }

    @Test
    void hasAndSizeAnswerOneOrMany() throws Exception {
        connect(null);
        BlobId id = storeB.add("x".getBytes(StandardCharsets.UTF_8));
        BlobId missing = BlobId.parse("&" + "A".repeat(43) + "=.sha256");
        assertThat(call("blobs.has", id.toString())).isEqualTo(true);
        assertThat(call("blobs.has", List.of(id.toString(), missing.toString()))).isEqualTo(List.of(true, false));
        assertThat(call("blobs.size", id.toString())).isEqualTo(1.0);
        assertThat(call("blobs.size", List.of(missing.toString()))).isEqualTo(java.util.Collections.singletonList(null));
    }

    /** A peer whose want stream says it has {@code id}; the test adds its blobs.get. */
    private static MethodRegistry offering(BlobId id, int size) {
        MethodRegistry registry = new MethodRegistry();
        registry.source("blobs.createWants", Access.ANYONE, (context, args, stream) -> {
            stream.write(Map.of(id.toString(), (double) size));
            return StreamListener.IGNORE;
        });
        return registry;
    }

    private Object call(String method, Object argument) throws Exception {
        CompletableFuture<Object> reply = pair.a.session.async(method, List.of(argument));
        pair.pump();
        return reply.getNow(null);
    }

    private byte[] read(String method, Object argument) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<GossipException> ends = new ArrayList<>();
        pair.a.session.source(method, List.of(argument), new StreamListener() {
            @Override
            public void onItem(Substream stream, Object item) {
                bytes.writeBytes((byte[]) item);
            }

            @Override
            public void onEnd(Substream stream, GossipException error) {
                ends.add(error);
            }
        });
        pair.pump();
        assertThat(ends).as("ended normally").containsExactly((GossipException) null);
        return bytes.toByteArray();
    }

    private String error(String method, Object argument) {
        List<GossipException> ends = new ArrayList<>();
        pair.a.session.source(method, List.of(argument), new StreamListener() {
            @Override
            public void onItem(Substream stream, Object item) {
                throw new AssertionError("no data expected, got " + item);
            }

            @Override
            public void onEnd(Substream stream, GossipException error) {
                ends.add(error);
            }
        });
        pair.pump();
        assertThat(ends).hasSize(1);
        assertThat(ends.get(0)).as("an error end").isNotNull();
        return ends.get(0).getMessage();
    }

    /** The body of the first stream data packet a side sent as the callee (negative request number). */
    private static Object firstStreamItem(List<Packet> sent) {
        return sent.stream().filter(p -> p.stream() && !p.end() && p.request() < 0).findFirst().map(Packet::value).orElse(null);
    }

    private static Map<String, Object> options(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return map;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
