package org.conch.gossip.muxrpc;

import org.conch.feed.json.Json;
import org.conch.feed.testing.Vectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 20 muxrpc packets of the protocol guide examples, encoded and decoded byte for byte. */
class PacketCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> vectors() {
        try {
            String text = Files.readString(Vectors.folder("protocol-guide-examples").resolve("examples.json"));
            return (List<Map<String, Object>>) Json.parseObject(text).get("muxrpc_packets");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isGoodbye(Map<String, Object> vector) {
        return !vector.containsKey("req");
    }

    /** The packet a vector describes, built from its fields (not from its hex). */
    static Packet packetOf(Map<String, Object> vector) {
        boolean stream = (Boolean) vector.get("stream");
        boolean end = (Boolean) vector.get("end_err");
        int request = ((Double) vector.get("req")).intValue();
        Object body = vector.get("body");
        switch ((String) vector.get("body_type")) {
            case "json":
                return Packet.json(stream, end, request, body);
            case "binary":
                return Packet.of(stream, end, request, HEX.parseHex((String) body));
            case "utf8":
                return Packet.of(stream, end, request, body);
            default:
                throw new IllegalArgumentException("unknown body_type in " + vector);
        }
    }

    static byte[] wireOf(Map<String, Object> vector) {
        return HEX.parseHex(vector.get("header_hex") + (String) vector.get("body_hex"));
    }

    @Test
    void thereAreTwentyPackets() {
        assertThat(vectors()).hasSize(20);
        assertThat(vectors().stream().filter(PacketCodecTest::isGoodbye)).hasSize(1);
    }

    @TestFactory
    Stream<DynamicTest> everyVectorEncodesAndDecodesExactly() {
        return vectors().stream().map(vector -> DynamicTest.dynamicTest((String) vector.get("description"), () -> {
            byte[] wire = wireOf(vector);
            PacketDecoder decoder = new PacketDecoder();
            if (isGoodbye(vector)) {
                assertThat(PacketCodec.goodbye()).isEqualTo(wire);
                assertThat(decoder.feed(wire)).isEmpty();
                assertThat(decoder.isGoodbye()).isTrue();
                return;
            }
            Packet packet = packetOf(vector);
            assertThat(HEX.formatHex(PacketCodec.encode(packet)))
                    .isEqualTo(vector.get("header_hex") + (String) vector.get("body_hex"));
            assertThat(HEX.formatHex(PacketCodec.header(packet))).isEqualTo(vector.get("header_hex"));

            List<Packet> decoded = decoder.feed(wire);
            assertThat(decoded).containsExactly(packet);
            assertThat(decoder.isGoodbye()).isFalse();
            assertThat(decoder.isIdle()).isTrue();
            Packet back = decoded.get(0);
            assertThat(back.request()).isEqualTo(((Double) vector.get("req")).intValue());
            assertThat(back.stream()).isEqualTo(vector.get("stream"));
            assertThat(back.end()).isEqualTo(vector.get("end_err"));
            if ("binary".equals(vector.get("body_type"))) {
                assertThat(back.type()).isEqualTo(BodyType.BINARY);
                assertThat(HEX.formatHex((byte[]) back.value())).isEqualTo(vector.get("body"));
            } else {
                assertThat(back.type()).isEqualTo(BodyType.JSON);
                assertThat(back.value()).isEqualTo(vector.get("body"));
            }
        }));
    }

    @Test
    void headerLayoutAndFlags() {
        Packet packet = Packet.of(true, true, -1, "hi");
        assertThat(HEX.formatHex(PacketCodec.encode(packet))).isEqualTo("0d00000002ffffffff" + "6869");
        assertThat(packet.type()).isEqualTo(BodyType.STRING);
        assertThat(packet.value()).isEqualTo("hi");
    }

    @Test
    void emptyBodiesAreNeverSent() {
        assertThatThrownBy(() -> new Packet(false, false, BodyType.BINARY, 1, new byte[0]))
                .isInstanceOf(MuxrpcException.class).hasMessageContaining("goodbye");
        Packet emptyString = Packet.of(true, false, 1, "");
        assertThat(emptyString.type()).isEqualTo(BodyType.JSON);
        assertThat(emptyString.body()).containsExactly('"', '"');
        assertThat(emptyString.value()).isEqualTo("");
        Packet emptyBytes = Packet.of(false, false, -3, new byte[0]);
        assertThat(HEX.formatHex(PacketCodec.encode(emptyBytes))).isEqualTo("0200000002fffffffd2222");
    }

    @Test
    void jsonBodiesAreCompactJavaScriptStringify() {
        Packet packet = Packet.json(false, false, 1, Json.parse("{\"a\":[1.0,2.5,\"x\"],\"b\":null}"));
        assertThat(new String(packet.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":[1,2.5,\"x\"],\"b\":null}");
        List<Object> list = new ArrayList<>();
        list.add(1);
        assertThat(new String(Packet.json(false, false, 1, list).body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("[1]");
    }

    @Test
    void unparsableJsonBodyIsAProtocolError() {
        Packet packet = new Packet(false, false, BodyType.JSON, 5, "{nope".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(packet::value).isInstanceOf(MuxrpcException.class).hasMessageContaining("packet 5");
    }
}
