package org.conch.gossip.boxstream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;
import org.conch.feed.testing.Mutations;
import org.conch.feed.crypto.Sha256;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BoxStreamDecoder} fed what arrives on a connection after the handshake, cut at any points: any bytes,
 * genuine streams, and genuine streams mutated (PySecretHandshake's recorded frames among the seeds). A genuine
 * stream decodes to exactly what was sent; anything else yields a prefix of what was sent (never a forged byte)
 * and then {@link BoxStreamException}, which nothing else escapes. The decoder holds at most one frame, so what a
 * try allocates is bounded by its input plus one largest body.
 */
@Fuzz.Target
class BoxStreamDecoderFuzzTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY;
    private static final byte[] NONCE;
    private static final byte[] RECORDED_STREAM;

    static {
        Map<?, ?> vectors = FuzzSeeds.vectorJson("python-secret-handshake", "shs_boxstream_vectors.json")
                .map(file -> (Map<?, ?>) ((Map<?, ?>) file).get("boxstream")).orElse(null);
        if (vectors == null) {
            KEY = Sha256.hash("box-stream key".getBytes(StandardCharsets.UTF_8));
            NONCE = java.util.Arrays.copyOf(Sha256.hash("box-stream nonce".getBytes(StandardCharsets.UTF_8)),
                    BoxStream.NONCE_SIZE);
            RECORDED_STREAM = new BoxStreamEncoder(KEY, NONCE).encode("foo".getBytes(StandardCharsets.UTF_8));
        } else {
            KEY = HEX.parseHex((String) vectors.get("key"));
            NONCE = HEX.parseHex((String) vectors.get("initial_nonce"));
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (Object frame : (List<?>) vectors.get("frames")) {
                wire.writeBytes(HEX.parseHex((String) ((Map<?, ?>) frame).get("wire")));
            }
            wire.writeBytes(HEX.parseHex((String) vectors.get("goodbye_wire")));
            RECORDED_STREAM = wire.toByteArray();
        }
    }

    /** A stream in bytes and what it carries. */
    record Stream(byte[] wire, byte[] plaintext) {
    }

    @Property(tries = 1_000)
    void anyBytesYieldNothingAndFailAsBoxStream(@ForAll @Size(max = 2_000) byte[] wire,
                                                @ForAll @Size(max = 8) List<Integer> cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        decode(wire, cuts, out).allowing(BoxStreamException.class);
        assertThat(out.size()).isZero();
    }

    @Property(tries = 500)
    void aGenuineStreamDecodesToWhatWasSentWhereverItIsCut(@ForAll("streams") Stream stream,
                                                          @ForAll @Size(max = 12) List<Integer> cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BoxStreamDecoder decoder = decode(stream.wire(), cuts, out).allowing();
        assertThat(out.toByteArray()).isEqualTo(stream.plaintext());
        assertThat(decoder.hasPartialFrame()).isFalse();
    }

    @Property(tries = 2_000)
    void aMutatedStreamYieldsOnlyAPrefixOfWhatWasSent(@ForAll("mutatedStreams") byte[] wire,
                                                     @ForAll @Size(max = 8) List<Integer> cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Fuzz.Outcome<BoxStreamDecoder> outcome = decode(wire, cuts, out);
        BoxStreamDecoder decoder = outcome.allowing(BoxStreamException.class);
        Statistics.collect(decoder == null ? "failed" : decoder.isClosed() ? "closed" : "open");
        byte[] sent = mutationSeeds().plaintext();
        byte[] received = out.toByteArray();
        assertThat(received.length).isLessThanOrEqualTo(sent.length);
        assertThat(received).isEqualTo(java.util.Arrays.copyOf(sent, received.length));
    }

    /** Decodes the pieces in turn into {@code out}, within the time limit and a memory bound. */
    private static Fuzz.Outcome<BoxStreamDecoder> decode(byte[] wire, List<Integer> cuts, ByteArrayOutputStream out) {
        List<byte[]> pieces = Fuzz.split(wire, cuts);
        return Fuzz.call(() -> {
            BoxStreamDecoder decoder = new BoxStreamDecoder(KEY, NONCE);
            for (byte[] piece : pieces) {
                decoder.feed(piece).forEach(out::writeBytes);
            }
            return decoder;
        }).allocatedAtMost(4L * wire.length + BoxStream.MAX_BODY_SIZE + (256 << 10));
    }

    /** Up to five writes of up to 6000 bytes (a write over 4096 takes two frames), then maybe the goodbye. */
    @Provide
    Arbitrary<Stream> streams() {
        Arbitrary<List<byte[]>> writes = Arbitraries.bytes().array(byte[].class).ofMaxSize(6_000).list().ofMaxSize(5);
        return net.jqwik.api.Combinators.combine(writes, Arbitraries.of(true, false)).as(BoxStreamDecoderFuzzTest::encode);
    }

    @Provide
    Arbitrary<byte[]> mutatedStreams() {
        Stream seeds = mutationSeeds();
        return Mutations.ofBytes(List.of(seeds.wire(), RECORDED_STREAM),
                List.of(new byte[BoxStream.HEADER_SIZE], new byte[] {(byte) 0xff, (byte) 0xff}));
    }

    /**
     * The stream the mutations start from: the recorded frames (under the same key and nonce), then writes of 0, 1,
     * 100 and 5000 bytes and the goodbye. The recorded stream up to its goodbye is a prefix of it, so a splice of
     * the two still carries a prefix of this plaintext.
     */
    private static Stream mutationSeeds() {
        return SEEDS;
    }

    private static final Stream SEEDS = seeds();

    private static Stream seeds() {
        BoxStreamEncoder encoder = new BoxStreamEncoder(KEY, NONCE);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        // Each recorded frame written again on its own gives the same bytes: the recording is a prefix.
        for (byte[] frame : new BoxStreamDecoder(KEY, NONCE).feed(RECORDED_STREAM)) {
            wire.writeBytes(encoder.encode(frame));
            plaintext.writeBytes(frame);
        }
        for (int size : new int[] {0, 1, 100, 5_000}) {
            byte[] write = new byte[size];
            for (int i = 0; i < size; i++) write[i] = (byte) (i * 31 + size);
            wire.writeBytes(encoder.encode(write));
            plaintext.writeBytes(write);
        }
        wire.writeBytes(encoder.goodbye());
        return new Stream(wire.toByteArray(), plaintext.toByteArray());
    }

    private static Stream encode(List<byte[]> writes, boolean goodbye) {
        BoxStreamEncoder encoder = new BoxStreamEncoder(KEY, NONCE);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        for (byte[] write : writes) {
            wire.writeBytes(encoder.encode(write));
            plaintext.writeBytes(write);
        }
        if (goodbye) wire.writeBytes(encoder.goodbye());
        return new Stream(wire.toByteArray(), plaintext.toByteArray());
    }
}
