package org.conch.gossip.muxrpc;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacketDecoderTest {
    private static final HexFormat HEX = HexFormat.of();

    /** All 19 non-goodbye vector packets back to back, then the goodbye. */
    private static byte[] allVectorsThenGoodbye(List<Packet> expected) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (Map<String, Object> vector : PacketCodecTest.vectors()) {
            if (!PacketCodecTest.isGoodbye(vector)) {
                expected.add(PacketCodecTest.packetOf(vector));
                wire.writeBytes(PacketCodecTest.wireOf(vector));
            }
        }
        wire.writeBytes(PacketCodec.goodbye());
        return wire.toByteArray();
    }

    @Test
    void everySplitPointGivesTheSamePackets() {
        List<Packet> expected = new ArrayList<>();
        byte[] wire = allVectorsThenGoodbye(expected);
        assertThat(expected).hasSize(19);
        for (int split = 0; split <= wire.length; split++) {
            PacketDecoder decoder = new PacketDecoder();
            List<Packet> got = new ArrayList<>(decoder.feed(wire, 0, split));
            got.addAll(decoder.feed(wire, split, wire.length - split));
            assertThat(got).as("split at %d", split).isEqualTo(expected);
            assertThat(decoder.isGoodbye()).isTrue();
        }
    }

    @Test
    void everyPairOfSplitPointsGivesTheSamePackets() {
        List<Packet> expected = new ArrayList<>();
        byte[] wire = allVectorsThenGoodbye(expected);
        // Three pieces: every first cut, and second cuts close behind it (inside the same header or
        // body) and far behind it.
        int[] gaps = {0, 1, 2, 4, 8, 9, 10, 17, 64, 200};
        for (int first = 0; first <= wire.length; first++) {
            for (int gap : gaps) {
                int second = Math.min(wire.length, first + gap);
                PacketDecoder decoder = new PacketDecoder();
                List<Packet> got = new ArrayList<>(decoder.feed(wire, 0, first));
                got.addAll(decoder.feed(wire, first, second - first));
                got.addAll(decoder.feed(wire, second, wire.length - second));
                assertThat(got).isEqualTo(expected);
            }
        }
    }

    @Test
    void oneByteAtATime() {
        List<Packet> expected = new ArrayList<>();
        byte[] wire = allVectorsThenGoodbye(expected);
        PacketDecoder decoder = new PacketDecoder();
        List<Packet> got = new ArrayList<>();
        for (int i = 0; i < wire.length; i++) {
            got.addAll(decoder.feed(wire, i, 1));
            if (i < wire.length - 1) {
                assertThat(decoder.isGoodbye()).isFalse();
            }
        }
        assertThat(got).isEqualTo(expected);
        assertThat(decoder.isGoodbye()).isTrue();
    }

    @Test
    void bytesAfterGoodbyeAreIgnored() {
        PacketDecoder decoder = new PacketDecoder();
        byte[] wire = concat(PacketCodec.encode(Packet.of(false, false, 1, "a")), PacketCodec.goodbye(),
                PacketCodec.encode(Packet.of(false, false, 2, "b")));
        assertThat(decoder.feed(wire)).containsExactly(Packet.of(false, false, 1, "a"));
        assertThat(decoder.isGoodbye()).isTrue();
        assertThat(decoder.feed(PacketCodec.encode(Packet.of(false, false, 3, "c")))).isEmpty();
    }

    @Test
    void anyHeaderWithLengthZeroIsGoodbye() {
        PacketDecoder decoder = new PacketDecoder();
        assertThat(decoder.feed(HEX.parseHex("0e0000000000000007"))).isEmpty();
        assertThat(decoder.isGoodbye()).isTrue();
    }

    @Test
    void oversizedBodyIsRejectedFromItsHeaderAlone() {
        PacketDecoder decoder = new PacketDecoder(1024);
        // Exactly at the limit is fine.
        byte[] atLimit = new byte[1024];
        atLimit[0] = 1;
        assertThat(decoder.feed(PacketCodec.encode(new Packet(true, false, BodyType.BINARY, 1, atLimit)))).hasSize(1);
        // One byte over: the 9 header bytes suffice to fail; no body byte has been sent.
        byte[] header = HEX.parseHex("0800000401ffffffff");
        assertThatThrownBy(() -> decoder.feed(header))
                .isInstanceOf(MuxrpcException.class)
                .hasMessageContaining("1025 bytes")
                .hasMessageContaining("1024");
        assertThatThrownBy(() -> decoder.feed(new byte[]{1})).isInstanceOf(MuxrpcException.class);
    }

    @Test
    void hugeDeclaredLengthFailsWithoutAllocating() {
        PacketDecoder decoder = new PacketDecoder();
        assertThat(decoder.maxBodySize()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> decoder.feed(HEX.parseHex("02ffffffff00000001")))
                .isInstanceOf(MuxrpcException.class)
                .hasMessageContaining("4294967295 bytes");
    }

    @Test
    void aBodyAtTheLimitArrivingInSmallPiecesIsWholeAndItsBufferGrowsWithIt() {
        byte[] body = new byte[1 << 20];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        byte[] wire = PacketCodec.encode(new Packet(true, false, BodyType.BINARY, 3, body));
        PacketDecoder decoder = new PacketDecoder();
        List<Packet> out = new ArrayList<>();
        for (int at = 0; at < wire.length; at += 3001) {
            out.addAll(decoder.feed(java.util.Arrays.copyOfRange(wire, at, Math.min(wire.length, at + 3001))));
        }
        assertThat(out).hasSize(1);
        assertThat(out.get(0).body()).isEqualTo(body);
        assertThat(decoder.isIdle()).isTrue();
    }

    @Test
    void undefinedBodyTypeIsAProtocolError() {
        assertThatThrownBy(() -> new PacketDecoder().feed(HEX.parseHex("030000000100000001" + "41")))
                .isInstanceOf(MuxrpcException.class).hasMessageContaining("body type 3");
    }

    @Test
    void unusedHighFlagBitsAreIgnoredAsInJavaScript() {
        List<Packet> got = new PacketDecoder().feed(HEX.parseHex("f20000000400000001" + "74727565"));
        assertThat(got).containsExactly(Packet.json(false, false, 1, true));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
