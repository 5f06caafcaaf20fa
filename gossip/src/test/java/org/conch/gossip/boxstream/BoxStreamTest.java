package org.conch.gossip.boxstream;

import org.conch.feed.crypto.SecretBox;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Box-stream as the protocol guide and pull-box-stream define it, between our encoder and decoder. */
class BoxStreamTest {
    private static final byte[] KEY = random(BoxStream.KEY_SIZE, 1);
    private static final byte[] NONCE = random(BoxStream.NONCE_SIZE, 2);

    private static BoxStreamEncoder encoder() {
        return new BoxStreamEncoder(KEY, NONCE);
    }

    private static BoxStreamDecoder decoder() {
        return new BoxStreamDecoder(KEY, NONCE);
    }

    @Nested
    class Framing {
        @Test
        void aWriteOfUpTo4096BytesIsOneFrame_a34ByteHeaderThenTheCiphertext() {
            assertThat(encoder().encode(new byte[1])).hasSize(BoxStream.HEADER_SIZE + 1);
            assertThat(encoder().encode(new byte[4096])).hasSize(BoxStream.HEADER_SIZE + 4096);
        }

        @Test
        void aLongerWriteIsSplitIntoFramesOf4096Bytes() {
            byte[] data = random(10_000, 3);
            byte[] wire = encoder().encode(data);

            assertThat(wire).hasSize(10_000 + 3 * BoxStream.HEADER_SIZE);
            assertThat(decoder().feed(wire)).extracting(chunk -> chunk.length).containsExactly(4096, 4096, 1808);
        }

        @Test
        void anEmptyWriteSendsNothingAndUsesNoNonce() {
            BoxStreamEncoder encoder = encoder();
            assertThat(encoder.encode(new byte[0])).isEmpty();
            assertThat(encoder.encode(new byte[]{42})).isEqualTo(encoder().encode(new byte[]{42}));
        }

        @Test
        void aRangeOfAnArrayCanBeWritten() {
            byte[] data = random(50, 4);
            assertThat(encoder().encode(data, 10, 20)).isEqualTo(encoder().encode(Arrays.copyOfRange(data, 10, 30)));
        }

        @Test
        void theGoodbyeIsOne34ByteHeaderAfterWhichNothingCanBeWritten() {
            BoxStreamEncoder encoder = encoder();
            encoder.encode(new byte[]{1, 2, 3});

            assertThat(encoder.goodbye()).hasSize(BoxStream.GOODBYE_SIZE);
            assertThat(encoder.isClosed()).isTrue();
            assertThatThrownBy(() -> encoder.encode(new byte[1])).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(encoder::goodbye).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void theSameBytesWrittenTwiceLookDifferentOnTheWire() {
            BoxStreamEncoder encoder = encoder();
            byte[] data = "same".getBytes();
            assertThat(encoder.encode(data)).isNotEqualTo(encoder.encode(data));
        }
    }

    @Nested
    class IncrementalDecoding {
        private final int[] writes = {1, 2, 100, 4096, 4097, 33, 0, 5};
        private final Recorded stream = Recorded.of(writes, 5);

        @Test
        void aStreamSplitInTwoAtEveryByteOffsetDecodesTheSame() {
            for (int split = 0; split <= stream.wire.length; split++) {
                BoxStreamDecoder decoder = decoder();
                List<byte[]> out = new ArrayList<>(decoder.feed(Arrays.copyOfRange(stream.wire, 0, split)));
                out.addAll(decoder.feed(Arrays.copyOfRange(stream.wire, split, stream.wire.length)));

                assertThat(concat(out)).as("split at %d", split).isEqualTo(stream.plaintext);
                assertThat(decoder.isClosed()).as("split at %d", split).isTrue();
            }
        }

        @Test
        void aStreamFedOneByteAtATimeDecodesTheSame() {
            BoxStreamDecoder decoder = decoder();
            List<byte[]> out = new ArrayList<>();
            for (byte b : stream.wire) {
                out.addAll(decoder.feed(new byte[]{b}));
            }
            assertThat(concat(out)).isEqualTo(stream.plaintext);
            assertThat(decoder.isClosed()).isTrue();
        }

        @Test
        void aStreamFedInRandomChunksDecodesTheSame() {
            Random random = new Random(7);
            for (int trial = 0; trial < 300; trial++) {
                BoxStreamDecoder decoder = decoder();
                List<byte[]> out = new ArrayList<>();
                int at = 0;
                while (at < stream.wire.length) {
                    int size = Math.min(stream.wire.length - at, 1 + random.nextInt(trial % 2 == 0 ? 64 : 6000));
                    out.addAll(decoder.feed(Arrays.copyOfRange(stream.wire, at, at + size)));
                    at += size;
                }
                assertThat(concat(out)).as("trial %d", trial).isEqualTo(stream.plaintext);
                assertThat(decoder.isClosed()).isTrue();
            }
        }

        @Test
        void eachFrameIsDeliveredAsSoonAsItIsCompleteAndInOrder() {
            BoxStreamEncoder encoder = encoder();
            byte[] first = encoder.encode("first".getBytes());
            byte[] second = encoder.encode("second".getBytes());
            BoxStreamDecoder decoder = decoder();

            assertThat(decoder.feed(Arrays.copyOf(first, first.length - 1))).isEmpty();
            assertThat(decoder.hasPartialFrame()).isTrue();
            assertThat(decoder.feed(new byte[]{first[first.length - 1]})).containsExactly("first".getBytes());
            assertThat(decoder.hasPartialFrame()).isFalse();
            assertThat(decoder.feed(second)).containsExactly("second".getBytes());
        }

        @Test
        void aByteBufferIsConsumedWholeAndChunksCanGoToAConsumer() {
            ByteBuffer direct = ByteBuffer.allocateDirect(stream.wire.length);
            direct.put(stream.wire).flip();
            List<byte[]> out = new ArrayList<>();

            decoder().feed(direct, out::add);

            assertThat(direct.hasRemaining()).isFalse();
            assertThat(concat(out)).isEqualTo(stream.plaintext);
        }

        @Test
        void aTruncatedStreamIsNotAnErrorButNeverCloses() {
            BoxStreamDecoder decoder = decoder();
            decoder.feed(Arrays.copyOf(stream.wire, stream.wire.length - 1));
            assertThat(decoder.isClosed()).isFalse();
            assertThat(decoder.hasPartialFrame()).as("part of the goodbye is held").isTrue();
        }
    }

    @Nested
    class Integrity {
        private final BoxStreamEncoder encoder = encoder();
        private final byte[] frame1 = encoder.encode("01234567".getBytes());
        private final byte[] frame2 = encoder.encode("76543210".getBytes());
        private final byte[] goodbye = encoder.goodbye();

        @Test
        void aStreamWithAnyByteChangedIsRejected() {
            byte[] wire = concat(List.of(frame1, frame2, goodbye));
            for (int i = 0; i < wire.length; i++) {
                byte[] tampered = wire.clone();
                tampered[i] ^= 0x10;
                assertThatThrownBy(() -> decoder().feed(tampered)).as("byte %d changed", i)
                        .isInstanceOf(BoxStreamException.class).hasMessageContaining("does not authenticate");
            }
        }

        @Test
        void framesReorderedReplayedOrDroppedAreRejected() {
            assertThatThrownBy(() -> decoder().feed(concat(List.of(frame2, frame1)))).isInstanceOf(BoxStreamException.class);
            assertThatThrownBy(() -> decoder().feed(concat(List.of(frame1, frame1)))).isInstanceOf(BoxStreamException.class);
            assertThatThrownBy(() -> decoder().feed(concat(List.of(frame1, goodbye)))).isInstanceOf(BoxStreamException.class);
        }

        @Test
        void aStreamUnderAnotherKeyFailsAtItsFirstHeader() {
            BoxStreamDecoder stranger = new BoxStreamDecoder(random(32, 99), NONCE);
            assertThatThrownBy(() -> stranger.feed(Arrays.copyOf(frame1, BoxStream.HEADER_SIZE)))
                    .isInstanceOf(BoxStreamException.class).hasMessageContaining("header of frame 0");
        }

        @Test
        void bytesAfterTheGoodbyeAreRejected() {
            BoxStreamDecoder decoder = decoder();
            decoder.feed(concat(List.of(frame1, frame2, goodbye)));
            assertThat(decoder.isClosed()).isTrue();

            assertThatThrownBy(() -> decoder.feed(new byte[]{0})).isInstanceOf(BoxStreamException.class)
                    .hasMessageContaining("after the goodbye");
        }

        @Test
        void aDecoderThatFailedStaysFailed() {
            BoxStreamDecoder decoder = decoder();
            byte[] tampered = frame1.clone();
            tampered[BoxStream.HEADER_SIZE] ^= 1;
            assertThatThrownBy(() -> decoder.feed(tampered)).isInstanceOf(BoxStreamException.class);
            assertThatThrownBy(() -> decoder.feed(frame2)).isInstanceOf(BoxStreamException.class)
                    .hasMessageContaining("already failed");
        }
    }

    @Nested
    class Limits {
        @Test
        void aBodyOfUpTo65535BytesFromAnotherSenderIsAccepted() {
            byte[] body = random(BoxStream.MAX_BODY_SIZE, 8);
            byte[] wire = Frames.craft(KEY, NONCE, body);
            BoxStreamDecoder decoder = decoder();

            List<byte[]> out = new ArrayList<>(decoder.feed(Arrays.copyOf(wire, 30_000)));
            assertThat(out).isEmpty();
            out.addAll(decoder.feed(Arrays.copyOfRange(wire, 30_000, wire.length)));

            assertThat(out).containsExactly(body);
        }

        @Test
        void aFrameWithAnEmptyBodyDeliversNothingButAdvancesTheNonce() {
            byte[] empty = Frames.craft(KEY, NONCE, new byte[0]);
            byte[] next = Frames.craft(KEY, Frames.plus(NONCE, 2), new byte[]{9});
            BoxStreamDecoder decoder = decoder();

            assertThat(decoder.feed(concat(List.of(empty, next)))).containsExactly(new byte[]{9});
        }
    }

    @Nested
    class Nonces {
        @Test
        void theNonceIsABigEndianCounter_headerNThenBodyNPlus1() {
            byte[] start = HexFormat.of().parseHex("fffffffffffffffffffffffffffffffffffffffffffffd00");
            BoxStreamEncoder encoder = new BoxStreamEncoder(KEY, start);
            BoxStreamDecoder decoder = new BoxStreamDecoder(KEY, start);
            SecretBox box = new SecretBox();
            for (int frame = 0; frame < 400; frame++) { // carries through the last two bytes
                byte[] data = random(8, frame);
                byte[] wire = encoder.encode(data);
                byte[] headerPlaintext = new byte[BoxStream.HEADER_PLAINTEXT_SIZE];
                assertThat(box.openDetached(KEY, Frames.plus(start, 2L * frame), wire, 0, wire, SecretBox.MAC_SIZE,
                        BoxStream.HEADER_PLAINTEXT_SIZE, headerPlaintext, 0)).as("header %d", frame).isTrue();
                byte[] body = new byte[8];
                assertThat(box.openDetached(KEY, Frames.plus(start, 2L * frame + 1), headerPlaintext, 2,
                        wire, BoxStream.HEADER_SIZE, 8, body, 0)).as("body %d", frame).isTrue();
                assertThat(body).isEqualTo(data);
                assertThat(decoder.feed(wire)).containsExactly(data);
            }
        }

        @Test
        void theCounterWrapsAroundAt2To192() {
            byte[] nonce = HexFormat.of().parseHex("ffffffffffffffffffffffffffffffffffffffffffffffff");
            BoxStream.increment(nonce);
            assertThat(nonce).containsOnly(0);
            BoxStream.increment(nonce);
            assertThat(nonce[23]).isEqualTo((byte) 1);
        }
    }

    /** Frames built directly from secretbox, as another implementation might send them. */
    static final class Frames {
        static byte[] craft(byte[] key, byte[] nonce, byte[] body) {
            SecretBox box = new SecretBox();
            byte[] wire = new byte[BoxStream.HEADER_SIZE + body.length];
            byte[] headerPlaintext = new byte[BoxStream.HEADER_PLAINTEXT_SIZE];
            box.sealDetached(key, plus(nonce, 1), body, 0, body.length, wire, BoxStream.HEADER_SIZE, headerPlaintext, 2);
            headerPlaintext[0] = (byte) (body.length >>> 8);
            headerPlaintext[1] = (byte) body.length;
            box.sealDetached(key, nonce, headerPlaintext, 0, headerPlaintext.length, wire, SecretBox.MAC_SIZE, wire, 0);
            return wire;
        }

        /** nonce + n as a 192-bit big-endian number, computed independently of the code under test. */
        static byte[] plus(byte[] nonce, long n) {
            BigInteger value = new BigInteger(1, nonce).add(BigInteger.valueOf(n)).mod(BigInteger.ONE.shiftLeft(192));
            byte[] magnitude = value.toByteArray();
            byte[] out = new byte[BoxStream.NONCE_SIZE];
            int copy = Math.min(magnitude.length, out.length);
            System.arraycopy(magnitude, magnitude.length - copy, out, out.length - copy, copy);
            return out;
        }
    }

    /** A stream of writes of the given sizes and a goodbye, with what it carries. */
    private record Recorded(byte[] wire, byte[] plaintext) {
        static Recorded of(int[] sizes, long seed) {
            BoxStreamEncoder encoder = encoder();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            for (int i = 0; i < sizes.length; i++) {
                byte[] data = random(sizes[i], seed + i);
                wire.writeBytes(encoder.encode(data));
                plain.writeBytes(data);
            }
            wire.writeBytes(encoder.goodbye());
            return new Recorded(wire.toByteArray(), plain.toByteArray());
        }
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
