package org.conch.feed.privatebox;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.conch.feed.Identity;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.Sha256;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.Mutations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unboxing what arrives in other people's messages: random bytes, and genuine boxes for a reader mutated (the
 * private-box-rs vector among them), as bytes ({@link PrivateBox}) and as content strings
 * ({@link PrivateContent}). Nothing ever throws, and whatever opens is the plaintext of a genuine box: a mutation
 * never forges one.
 */
@Fuzz.Target
class PrivateBoxFuzzTest {
    private static final Curve25519.KeyPair READER = Curve25519.KeyPair.fromSecretKey(bytesOf("reader"));
    private static final Identity READER_IDENTITY = Identity.fromSeed(bytesOf("reader identity"));
    private static final List<byte[]> PLAINTEXTS = new ArrayList<>();
    private static final List<byte[]> BOXES = new ArrayList<>();
    private static final List<String> CONTENT_STRINGS = new ArrayList<>();
    private static final UnboxKey SOME_KEY;

    static {
        SecureRandom random = deterministicRandom();
        for (int recipients = 1; recipients <= PrivateBox.MAX_RECIPIENTS; recipients += 3) {
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < recipients; i++) keys.add(Curve25519.KeyPair.generate(random).publicKey());
            keys.set(recipients / 2, READER.publicKey()); // the reader's slot first, in the middle, last
            byte[] plaintext = ("{\"type\":\"post\",\"text\":\"to " + recipients + "\"}").getBytes(StandardCharsets.UTF_8);
            PLAINTEXTS.add(plaintext);
            BOXES.add(PrivateBox.box(plaintext, keys, random));
        }
        SOME_KEY = PrivateBox.unboxKey(BOXES.get(0), READER.secretKey()).orElseThrow();
        byte[] vector = privateBoxRsCypherText();
        BOXES.add(vector);
        PLAINTEXTS.add(new byte[] {0, 1, 2}); // its msg; the reader's key does not open it, but its slots mutate
        byte[] readerIdentityKey = Curve25519.publicFromEd25519(READER_IDENTITY.publicKey());
        for (byte[] plaintext : PLAINTEXTS.subList(0, 3)) {
            byte[] box = PrivateBox.box(plaintext, List.of(readerIdentityKey), random);
            CONTENT_STRINGS.add(Base64.getEncoder().encodeToString(box) + PrivateContent.SUFFIX);
        }
    }

    @Property(tries = 1_000)
    void anyBytesOpenNothingAndNeverThrow(@ForAll @Size(max = 1_000) byte[] bytes) {
        Optional<byte[]> opened = Fuzz.call(() -> PrivateBox.unbox(bytes, READER.secretKey())).allowing();
        assertThat(opened).isEmpty();
        assertThat(Fuzz.call(() -> PrivateBox.unboxBody(bytes, SOME_KEY)).allowing()).isEmpty();
    }

    @Property(tries = 2_000)
    void aMutatedBoxOpensToAGenuinePlaintextOrNothingAndNeverThrows(@ForAll("mutatedBoxes") byte[] boxed) {
        Optional<byte[]> opened = Fuzz.call(() -> PrivateBox.unbox(boxed, READER.secretKey())).allowing();
        opened.ifPresent(plaintext -> assertThat(PLAINTEXTS).as("a mutation never forges a plaintext")
                .anySatisfy(genuine -> assertThat(plaintext).isEqualTo(genuine)));
        Fuzz.call(() -> PrivateBox.unboxBody(boxed, SOME_KEY)).allowing();
    }

    @Property(tries = 1_000)
    void aMutatedContentStringNeverThrows(@ForAll("mutatedContentStrings") String boxed) {
        Optional<Object> content = Fuzz.call(() -> PrivateContent.unbox(boxed, READER_IDENTITY)).allowing();
        Fuzz.call(() -> PrivateContent.unboxBody(boxed, SOME_KEY)).allowing();
        content.ifPresent(value -> assertThat(value).isInstanceOf(java.util.Map.class));
    }

    @Provide
    Arbitrary<byte[]> mutatedBoxes() {
        // a slot's size, a zero slot count and the largest: runs that move or miscount the slots
        return Mutations.ofBytes(BOXES, List.of(new byte[PrivateBox.SLOT_SIZE], new byte[] {0}, new byte[] {(byte) 0xff},
                new byte[] {(byte) PrivateBox.SLOTS_TRIED}));
    }

    @Provide
    Arbitrary<String> mutatedContentStrings() {
        return Mutations.ofStrings(CONTENT_STRINGS, List.of(".box", ".box2", "@", "%", "&", "=", "==", ".", "-", "_", " "));
    }

    private static byte[] bytesOf(String label) {
        return Sha256.hash(label.getBytes(StandardCharsets.UTF_8));
    }

    /** The same seeds on every run, so that jqwik's recorded failures replay. */
    private static SecureRandom deterministicRandom() {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(bytesOf("PrivateBoxFuzzTest"));
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA1PRNG", e);
        }
    }

    private static byte[] privateBoxRsCypherText() {
        try (InputStream in = PrivateBoxFuzzTest.class.getResourceAsStream("/private-box-rs/simple.json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Object cypherText = ((java.util.Map<?, ?>) org.conch.feed.json.Json.parse(text)).get("cypherText");
            return Base64.getDecoder().decode((String) cypherText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
