package org.conch.gossip.shs;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import org.conch.feed.Identity;
import org.conch.feed.testing.FuzzSeeds;
import org.conch.feed.testing.Mutations;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.Hmac;
import org.conch.feed.crypto.SecretBox;
import org.conch.feed.crypto.Sha256;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The keys and the four messages of one deterministic handshake for the handshake fuzzers: PySecretHandshake's
 * recorded run ({@code python-secret-handshake}) when the vectors are there, else keys derived from fixed seeds.
 * With them a fuzzer can build messages that get past a check (a hello with a valid HMAC over any key, a box that
 * opens with any plaintext) and so reach the steps behind it.
 */
final class HandshakeFuzzing {
    private static final HexFormat HEX = HexFormat.of();
    /**
     * Curve25519 u-coordinates of small order, and the same with the unused top bit set: libsodium's blocklist of
     * X25519 public keys (0, 1, the two points of order 8, p - 1, p, p + 1).
     */
    static final List<byte[]> SMALL_ORDER_KEYS = List.of(
            hex("0000000000000000000000000000000000000000000000000000000000000000"),
            hex("0100000000000000000000000000000000000000000000000000000000000000"),
            hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
            hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            hex("0000000000000000000000000000000000000000000000000000000000000080"),
            hex("0100000000000000000000000000000000000000000000000000000000000080"),
            hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880"),
            hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7"),
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
            hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
            hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
    /** Byte runs worth inserting into a handshake message. */
    static final List<byte[]> TOKENS = List.of(new byte[32], new byte[16], new byte[] {(byte) 0xff, (byte) 0xff},
            hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));

    final byte[] networkKey;
    final Identity client;
    final Identity server;
    final Curve25519.KeyPair clientEphemeral;
    final Curve25519.KeyPair serverEphemeral;
    final byte[] msg1;
    final byte[] msg2;
    final byte[] msg3;
    final byte[] msg4;

    private HandshakeFuzzing(Map<?, ?> vectors) {
        networkKey = field(vectors, "network_identifier", "network key");
        client = Identity.fromSeed(field(vectors, "client_longterm_seed", "client seed"));
        server = Identity.fromSeed(field(vectors, "server_longterm_seed", "server seed"));
        clientEphemeral = Curve25519.KeyPair.fromSecretKey(field(vectors, "client_ephemeral_sk", "client ephemeral"));
        serverEphemeral = Curve25519.KeyPair.fromSecretKey(field(vectors, "server_ephemeral_sk", "server ephemeral"));
        ClientHandshake clientSide = newClient();
        ServerHandshake serverSide = newServer();
        msg1 = clientSide.hello();
        msg2 = serverSide.acceptHello(msg1);
        msg3 = clientSide.authenticate(msg2);
        msg4 = serverSide.verifyAuthentication(msg3);
        clientSide.verifyAccept(msg4);
    }

    /** The recorded run's keys, or stand-ins derived from fixed text without the vectors. */
    static HandshakeFuzzing load() {
        Map<?, ?> vectors = FuzzSeeds.vectorJson("python-secret-handshake", "shs_boxstream_vectors.json")
                .map(file -> (Map<?, ?>) ((Map<?, ?>) file).get("handshake")).orElse(Map.of());
        return new HandshakeFuzzing(vectors);
    }

    ClientHandshake newClient() {
        return new ClientHandshake(networkKey, client, server.publicKey(), clientEphemeral);
    }

    ServerHandshake newServer() {
        return new ServerHandshake(networkKey, server, key -> true, serverEphemeral);
    }

    /** A hello whose HMAC verifies under the network key, for any ephemeral key. */
    byte[] helloFor(byte[] ephemeralKey) {
        byte[] hello = new byte[SecretHandshake.CLIENT_HELLO_SIZE];
        System.arraycopy(Hmac.auth(networkKey, ephemeralKey), 0, hello, 0, Hmac.TAG_SIZE);
        System.arraycopy(ephemeralKey, 0, hello, Hmac.TAG_SIZE, SecretHandshake.PUBLIC_KEY_SIZE);
        return hello;
    }

    /** msg3 as the client would box it, around any plaintext. */
    byte[] clientAuthBoxing(byte[] plaintext) {
        return SecretBox.seal(KeySchedule.secret2(networkKey, ab(), aB()), KeySchedule.zeroNonce(), plaintext);
    }

    /** What the genuine msg3 holds: the client's signature and long-term key. */
    byte[] clientAuthPlaintext() {
        return SecretBox.open(KeySchedule.secret2(networkKey, ab(), aB()), KeySchedule.zeroNonce(), msg3).orElseThrow();
    }

    /** msg4 as the server would box it, around any plaintext. */
    byte[] serverAcceptBoxing(byte[] plaintext) {
        byte[] Ab = Curve25519.sharedSecret(Curve25519.secretFromEd25519Seed(client.seed()), serverEphemeral.publicKey());
        return SecretBox.seal(KeySchedule.secret3(networkKey, ab(), aB(), Ab), KeySchedule.zeroNonce(), plaintext);
    }

    private byte[] ab() {
        return Curve25519.sharedSecret(clientEphemeral.secretKey(), serverEphemeral.publicKey());
    }

    private byte[] aB() {
        return Curve25519.sharedSecret(clientEphemeral.secretKey(), Curve25519.publicFromEd25519(server.publicKey()));
    }

    /** Any bytes, of any length up to a few messages. */
    static Arbitrary<byte[]> arbitraryBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    /** Bytes of exactly {@code size}: past the size check. */
    static Arbitrary<byte[]> bytesOfSize(int size) {
        return Arbitraries.bytes().array(byte[].class).ofSize(size);
    }

    /** The genuine message mutated, or any bytes of its size. */
    static Arbitrary<byte[]> near(byte[] genuine) {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Mutations.ofBytes(List.of(genuine), TOKENS)),
                Tuple.of(1, bytesOfSize(genuine.length)),
                Tuple.of(1, arbitraryBytes()));
    }

    /** Ephemeral keys for a hello with a valid HMAC: small-order points, or any 32 bytes. */
    static Arbitrary<byte[]> ephemeralKeys() {
        return Arbitraries.oneOf(Arbitraries.of(SMALL_ORDER_KEYS), bytesOfSize(Curve25519.KEY_SIZE));
    }

    private static byte[] field(Map<?, ?> vectors, String name, String standIn) {
        Object hex = vectors.get(name);
        return hex instanceof String text ? hex(text) : Sha256.hash(standIn.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }
}
