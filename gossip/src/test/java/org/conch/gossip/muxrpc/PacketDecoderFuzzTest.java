package org.conch.gossip.muxrpc;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.Mutations;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PacketDecoder} fed what box-stream yields, cut at any points: any bytes, headers of any flags and any
 * declared length (up to 4 GiB) with bodies shorter, as long or longer, genuine packet sequences and mutations of
 * them. It returns packets or throws {@link MuxrpcException}, nothing else; a genuine sequence comes out as it
 * went in; and the memory it takes grows with the bytes that arrive, not with the length a header declares.
 */
@Fuzz.Target
class PacketDecoderFuzzTest {
    /** What a try may allocate beyond a few times its input: the decoder's first body buffer and bookkeeping. */
    private static final long ALLOCATION_SLACK = 256 << 10;
    private static final List<Packet> SEEDS = MuxrpcFuzzing.seedPackets();

    @Property(tries = 2_000)
    void anyBytesDecodeOrFailAsMuxrpc(@ForAll @Size(max = 2_000) byte[] wire, @ForAll @Size(max = 8) List<Integer> cuts) {
        decode(wire, cuts, new PacketDecoder()).allowing(MuxrpcException.class);
    }

    @Property(tries = 2_000)
    void anyHeaderIsReadWithoutTakingTheMemoryItDeclares(@ForAll("headers") byte[] header,
                                                         @ForAll @Size(max = 3_000) byte[] body,
                                                         @ForAll @Size(max = 4) List<Integer> cuts) {
        byte[] wire = ByteBuffer.allocate(header.length + body.length).put(header).put(body).array();
        long declared = ByteBuffer.wrap(header, 1, 4).getInt() & 0xFFFFFFFFL;
        Fuzz.Outcome<List<Packet>> outcome = decode(wire, cuts, new PacketDecoder());
        List<Packet> packets = outcome.allowing(MuxrpcException.class);
        Statistics.collect(outcome.thrown() != null ? "refused" : declared == 0 ? "goodbye"
                : packets.isEmpty() ? "waiting for the body" : "packet");
        if (packets != null && !packets.isEmpty()) {
            assertThat(packets.get(0).body()).hasSize((int) declared);
        }
    }

    @Property(tries = 500)
    void genuinePacketsComeOutAsTheyWentInWhereverTheyAreCut(@ForAll("packetLists") List<Packet> packets,
                                                             @ForAll @Size(max = 12) List<Integer> cuts) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        packets.forEach(packet -> wire.writeBytes(PacketCodec.encode(packet)));
        wire.writeBytes(PacketCodec.goodbye());
        PacketDecoder decoder = new PacketDecoder();
        assertThat(decode(wire.toByteArray(), cuts, decoder).allowing()).isEqualTo(packets);
        assertThat(decoder.isGoodbye()).isTrue();
    }

    @Property(tries = 2_000)
    void mutatedPacketsDecodeOrFailAsMuxrpc(@ForAll("mutatedWire") byte[] wire, @ForAll @Size(max = 8) List<Integer> cuts) {
        decode(wire, cuts, new PacketDecoder()).allowing(MuxrpcException.class);
    }

    /** A 9-byte header that declares the largest body allowed, and no body yet: the decoder waits, holding little. */
    @Example
    void aHeaderDeclaringTheLargestBodyAllowedDoesNotAllocateIt() {
        PacketDecoder decoder = new PacketDecoder();
        byte[] header = ByteBuffer.allocate(PacketCodec.HEADER_SIZE).put((byte) 2)
                .putInt(decoder.maxBodySize()).putInt(1).array();
        Fuzz.Outcome<List<Packet>> outcome = Fuzz.call(() -> decoder.feed(header))
                .allocatedAtMost(ALLOCATION_SLACK);
        assertThat(outcome.allowing()).isEmpty();
        assertThat(decoder.isIdle()).isFalse();
    }

    /** A header declaring 4 GiB - 1 is refused at once. */
    @Example
    void aHeaderDeclaringFourGigabytesIsRefused() {
        byte[] header = ByteBuffer.allocate(PacketCodec.HEADER_SIZE).put((byte) 2).putInt(-1).putInt(1).array();
        Fuzz.Outcome<List<Packet>> outcome = Fuzz.call(() -> new PacketDecoder().feed(header))
                .allocatedAtMost(ALLOCATION_SLACK);
        assertThat(outcome.thrown()).isInstanceOf(MuxrpcException.class).hasMessageContaining("over the limit");
    }

    /** Feeds the pieces in turn, within the time limit and a memory bound that grows with the input only. */
    private static Fuzz.Outcome<List<Packet>> decode(byte[] wire, List<Integer> cuts, PacketDecoder decoder) {
        List<byte[]> pieces = Fuzz.split(wire, cuts);
        return Fuzz.call(() -> {
            List<Packet> packets = new ArrayList<>();
            for (byte[] piece : pieces) {
                decoder.feed(piece, 0, piece.length, packets::add);
            }
            return packets;
        }).allocatedAtMost(4L * wire.length + ALLOCATION_SLACK);
    }

    /** Any flags, a request number, and a length among the edges (0, 1, the limit and past it, 2^31, 2^32 - 1) or any. */
    @Provide
    Arbitrary<byte[]> headers() {
        int limit = PacketCodec.DEFAULT_MAX_BODY_SIZE;
        Arbitrary<Integer> lengths = Arbitraries.oneOf(
                Arbitraries.of(0, 1, 2, limit - 1, limit, limit + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, -1),
                Arbitraries.integers().between(0, 4_000),
                Arbitraries.integers());
        return Combinators.combine(Arbitraries.bytes(), lengths, Arbitraries.integers())
                .as((flags, length, request) -> ByteBuffer.allocate(PacketCodec.HEADER_SIZE)
                        .put(flags).putInt(length).putInt(request).array());
    }

    @Provide
    Arbitrary<List<Packet>> packetLists() {
        Arbitrary<Packet> made = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                        Arbitraries.of(BodyType.class), Arbitraries.integers(),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(5_000))
                .as(Packet::new);
        return Arbitraries.oneOf(Arbitraries.of(SEEDS), made).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<byte[]> mutatedWire() {
        List<byte[]> seeds = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Packet packet : SEEDS) {
            seeds.add(PacketCodec.encode(packet));
            all.writeBytes(PacketCodec.encode(packet));
        }
        all.writeBytes(PacketCodec.goodbye());
        seeds.add(all.toByteArray());
        return Mutations.ofBytes(seeds, List.of(PacketCodec.goodbye(), new byte[] {(byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff}, new byte[] {0, 0x10, 0, 0}, new byte[] {3}));
    }
}
