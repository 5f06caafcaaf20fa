package org.conch.gossip.net;

import io.vertx.core.buffer.Buffer;
import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.SessionPair;
import org.conch.gossip.muxrpc.Substream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code tunnel.connect} duplex stream as a connection's byte pipe, over two muxrpc sessions back to back (the
 * room's end of the stream is {@code far}): writes leave as binary items, items arrive as reads, the room
 * connection's backpressure is the tunnel's, and the stream's end is the pipe's close.
 */
class TunnelTransportTest {
    private final List<Object> itemsAtFarEnd = new ArrayList<>();
    private final List<Runnable> later = new ArrayList<>();
    private final Buffer read = Buffer.buffer();
    private final List<Throwable> errors = new ArrayList<>();
    private int closes;
    private int drains;
    private Substream far;
    private SessionPair pair;
    private TunnelTransport tunnel;

    @BeforeEach
    void openTunnel() {
        MethodRegistry room = new MethodRegistry().duplex("tunnel.connect", Access.ANYONE, (context, args, stream) -> {
            far = stream;
            return (s, item) -> itemsAtFarEnd.add(item);
        });
        pair = new SessionPair(new MethodRegistry(), Caller.anonymous("@room"), RpcSession.Options.defaults(),
                room, Caller.anonymous("@attendant"), RpcSession.Options.defaults());
        tunnel = new TunnelTransport("tunnel:@room:@target", later::add);
        tunnel.attach(pair.a.session.duplex("tunnel.connect", List.of(Map.of("target", "@target")), tunnel));
        tunnel.handler(read::appendBuffer);
        tunnel.exceptionHandler(errors::add);
        tunnel.closeHandler(v -> closes++);
        tunnel.drainHandler(v -> drains++);
        pair.pump();
        assertThat(far).as("the stream reached the room").isNotNull();
    }

    @Test
    void writesLeaveAsBinaryItemsAndItemsArriveAsReads() {
        tunnel.write(Buffer.buffer(bytes("hello")));
        tunnel.write(Buffer.buffer(bytes(" box-stream")));
        far.write(bytes("from "));
        far.write(bytes("the other attendant"));
        pair.pump();

        assertThat(itemsAtFarEnd).satisfiesExactly(
                item -> assertThat((byte[]) item).isEqualTo(bytes("hello")),
                item -> assertThat((byte[]) item).isEqualTo(bytes(" box-stream")));
        assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("from the other attendant");
        assertThat(tunnel.remoteAddress()).isEqualTo("tunnel:@room:@target");
        assertThat(closes).isZero();
    }

    @Test
    void aFullRoomConnectionIsAFullTunnelAndEachDrainReachesIt() {
        assertThat(tunnel.writeQueueFull()).isFalse();
        pair.a.queueFull = true;
        assertThat(tunnel.writeQueueFull()).isTrue();
        assertThat(tunnel.writeQueueFull()).isTrue();
        pair.a.queueFull = false;
        pair.a.session.drained();
        assertThat(drains).as("one drain for the full queue, however often it was asked").isEqualTo(1);

        pair.a.queueFull = true;
        assertThat(tunnel.writeQueueFull()).isTrue();
        pair.a.queueFull = false;
        pair.a.session.drained();
        assertThat(drains).as("and again the next time it fills").isEqualTo(2);
    }

    @Test
    void theOtherSidesEndClosesThePipeOnce() {
        far.end();
        pair.pump();

        assertThat(closes).isEqualTo(1);
        assertThat(errors).isEmpty();
        tunnel.close();
        later.forEach(Runnable::run);
        assertThat(closes).isEqualTo(1);
    }

    @Test
    void anErrorEndIsAnErrorThenTheClose() {
        far.error("could not connect to: @target");
        pair.pump();

        assertThat(errors).singleElement().asString().contains("could not connect to: @target");
        assertThat(closes).isEqualTo(1);
    }

    @Test
    void closingEndsOurHalfAndClosesAfterTheTurnDroppingLaterWrites() {
        tunnel.close();
        assertThat(closes).as("not inside the caller's turn").isZero();
        later.forEach(Runnable::run);
        assertThat(closes).isEqualTo(1);
        tunnel.write(Buffer.buffer(bytes("too late")));
        pair.pump();

        assertThat(far.isRemoteEnded()).as("the room saw our end").isTrue();
        assertThat(itemsAtFarEnd).isEmpty();
    }

    @Test
    void aJsonItemIsNotBytesAndClosesThePipe() {
        far.write(Map.of("not", "bytes"));
        pair.pump();
        later.forEach(Runnable::run);

        assertThat(errors).singleElement().asString().contains("a JSON item, not bytes");
        assertThat(closes).isEqualTo(1);
        assertThat(read.length()).isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
