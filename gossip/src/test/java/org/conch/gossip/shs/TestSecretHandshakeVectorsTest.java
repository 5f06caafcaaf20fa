package org.conch.gossip.shs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.conch.feed.Ed25519;
import org.conch.feed.Identity;
import org.conch.feed.testing.Vectors;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.Hmac;
import org.conch.feed.crypto.SecretBox;
import org.conch.feed.crypto.Sha256;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * All 159 recorded calls of {@code test-secret-handshake/data.json}, the JavaScript reference's
 * {@code crypto.js} steps, replayed through {@link ClientHandshake} and {@link ServerHandshake}.
 *
 * <p>How the vectors are read (see their README): the recorder logged {@code args} after the call
 * and the JS steps mutate their state, so
 * <ul>
 *   <li>the pure steps (createChallenge, clientCreateAuth, serverCreateAccept) are input → output:
 *       our handshake, given the same keys and the peer messages found in the state, must send
 *       exactly the recorded bytes;</li>
 *   <li>the verifying steps (verifyChallenge, clientVerifyChallenge, serverVerifyAuth,
 *       clientVerifyAccept) must accept exactly when the reference did ({@code result: null} means
 *       it refused), and the values they recorded (secret, shash, a_bob, secret2, b_alice, secret3,
 *       hello) are checked as expected derivations;</li>
 *   <li>{@code clean} has its ephemeral secret wiped, so the run is replayed end to end, both sides
 *       with the keys recorded elsewhere in the file, and our result must carry the recorded
 *       encryptKey and decryptKey;</li>
 *   <li>{@code initialize} derives the ephemeral X25519 key from {@code random} as an Ed25519 seed,
 *       which checks our Ed25519 → X25519 conversions; our handshakes take those keys as given.</li>
 * </ul>
 * A state is the client's when its {@code remote} names a long-term key before the server could
 * have learnt it (the server only learns it from msg3, in serverVerifyAuth).
 */
class TestSecretHandshakeVectorsTest {
    private static final String FOLDER = "test-secret-handshake";
    private static final int EXPECTED_CASES = 159;
    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    Stream<DynamicTest> everyRecordedStepOfTheReferenceIsReproduced() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(Vectors.folder(FOLDER).resolve("data.json").toFile());
        assertThat(cases).hasSize(EXPECTED_CASES);
        KeyBook keys = KeyBook.of(cases);
        return IntStream.range(0, cases.size()).mapToObj(i -> {
            JsonNode testCase = cases.get(i);
            String name = testCase.get("name").asText();
            return dynamicTest(String.format("#%03d %s%s", i, name, describe(testCase)),
                    () -> check(name, testCase.get("args"), testCase.get("result"), keys));
        });
    }

    private static String describe(JsonNode testCase) {
        JsonNode first = testCase.get("args").get(0);
        if (testCase.get("name").asText().equals("toKeys")) return first.isObject() ? " (a key pair)" : " (a seed)";
        State state = new State(first);
        String side = testCase.get("name").asText().equals("clean")
                ? (state.remote().has("hello") ? "server" : "client")
                : (state.isClient() ? "client" : "server");
        return " (" + side + (testCase.get("result").isNull() ? ", refused" : "") + ")";
    }

    private static void check(String name, JsonNode args, JsonNode result, KeyBook keys) {
        switch (name) {
            case "initialize" -> initialize(new State(args.get(0)));
            case "createChallenge" -> createChallenge(new State(args.get(0)), bytes(result));
            case "verifyChallenge" -> verifyChallenge(new State(args.get(0)), bytes(args.get(1)), result);
            case "clientVerifyChallenge" -> clientVerifyChallenge(new State(args.get(0)), bytes(args.get(1)), result);
            case "clientCreateAuth" -> clientCreateAuth(new State(args.get(0)), bytes(result));
            case "serverVerifyAuth" -> serverVerifyAuth(new State(args.get(0)), bytes(args.get(1)), result);
            case "serverCreateAccept" -> serverCreateAccept(new State(args.get(0)), bytes(result));
            case "clientVerifyAccept" -> clientVerifyAccept(new State(args.get(0)), bytes(args.get(1)), result);
            case "clean" -> clean(new State(args.get(0)), new State(result), keys);
            case "toKeys" -> toKeys(args.get(0), result);
            default -> throw new AssertionError("a step the vectors should not have: " + name);
        }
    }

    /** The ephemeral keys come from {@code random} as an Ed25519 seed; the hello MAC is hmac(K, kx_pk). */
    private static void initialize(State state) {
        byte[] random = state.bytes("random");
        assertThat(Curve25519.secretFromEd25519Seed(random)).as("kx_sk").isEqualTo(state.localBytes("kx_sk"));
        assertThat(Curve25519.publicFromEd25519(Ed25519.publicKeyFromSeed(random))).as("kx_pk")
                .isEqualTo(state.localBytes("kx_pk"));
        assertThat(Curve25519.publicKey(state.localBytes("kx_sk"))).as("kx_pk from kx_sk")
                .isEqualTo(state.localBytes("kx_pk"));
        assertThat(Hmac.auth(state.appKey(), state.localBytes("kx_pk"))).as("app_mac")
                .isEqualTo(state.localBytes("app_mac"));
        assertThat(state.identity().publicKey()).as("long-term key").isEqualTo(state.localBytes("publicKey"));
    }

    /** msg1 from the client; msg2 from the server, once it has the client's hello. */
    private static void createChallenge(State state, byte[] expected) {
        byte[] hello = state.isClient() ? state.client().hello() : state.server(k -> true).acceptHello(state.remoteHello());
        assertThat(hello).hasSize(SecretHandshake.CLIENT_HELLO_SIZE).isEqualTo(expected);
    }

    /** Either side checking the other's hello: the HMAC under K decides. */
    private static void verifyChallenge(State state, byte[] challenge, JsonNode result) {
        Runnable step;
        if (state.isClient()) {
            ClientHandshake client = state.client();
            client.hello();
            step = () -> client.authenticate(challenge);
        } else {
            ServerHandshake server = state.server(k -> true);
            step = () -> assertThat(server.acceptHello(challenge)).isEqualTo(state.localHello());
        }
        if (result.isNull()) {
            assertRefused(step, HandshakeException.Reason.WRONG_NETWORK_KEY);
            return;
        }
        step.run();
        State after = new State(result);
        assertThat(after.remoteHello()).as("remote hello").isEqualTo(challenge);
        byte[] ab = Curve25519.sharedSecret(state.localBytes("kx_sk"), Arrays.copyOfRange(challenge, 32, 64));
        assertThat(ab).as("secret (ab)").isEqualTo(after.bytes("secret"));
        assertThat(Sha256.hash(ab)).as("shash").isEqualTo(after.bytes("shash"));
    }

    /** The client checks msg2 and builds msg3: a_bob, secret2 and its signed hello. */
    private static void clientVerifyChallenge(State state, byte[] challenge, JsonNode result) {
        ClientHandshake client = state.client();
        client.hello();
        if (result.isNull()) {
            assertRefused(() -> client.authenticate(challenge), HandshakeException.Reason.WRONG_NETWORK_KEY);
            return;
        }
        byte[] clientAuth = client.authenticate(challenge);
        State after = new State(result);
        byte[] kxSecret = state.localBytes("kx_sk");
        byte[] ab = Curve25519.sharedSecret(kxSecret, Arrays.copyOfRange(challenge, 32, 64));
        byte[] aB = Curve25519.sharedSecret(kxSecret, Curve25519.publicFromEd25519(after.remoteBytes("publicKey")));
        assertThat(aB).as("a_bob").isEqualTo(after.bytes("a_bob"));
        byte[] secret2 = KeySchedule.secret2(state.appKey(), ab, aB);
        assertThat(secret2).as("secret2").isEqualTo(after.bytes("secret2"));
        byte[] signature = Ed25519.sign(state.identity().seed(), state.identity().publicKey(),
                KeySchedule.clientSignedMessage(state.appKey(), after.remoteBytes("publicKey"), ab));
        assertThat(concat(signature, state.identity().publicKey())).as("local.hello (sigA ‖ A)")
                .isEqualTo(after.localBytes("hello"));
        assertThat(SecretBox.open(secret2, KeySchedule.zeroNonce(), clientAuth)).as("msg3 opens to local.hello")
                .contains(after.localBytes("hello"));
    }

    private static void clientCreateAuth(State state, byte[] expected) {
        ClientHandshake client = state.client();
        client.hello();
        assertThat(client.authenticate(state.remoteHello())).hasSize(SecretHandshake.CLIENT_AUTH_SIZE).isEqualTo(expected);
    }

    /** The server opens msg3, verifies the client's signature, learns its key and computes b_alice, secret3. */
    private static void serverVerifyAuth(State state, byte[] clientAuth, JsonNode result) {
        AtomicReference<byte[]> asked = new AtomicReference<>();
        ServerHandshake server = state.server(key -> {
            asked.set(key);
            return true;
        });
        server.acceptHello(state.remoteHello());
        if (result.isNull()) {
            assertRefused(() -> server.verifyAuthentication(clientAuth), HandshakeException.Reason.CLIENT_AUTHENTICATION_FAILED);
            assertThat(asked.get()).as("the authorizer is not asked about an unproven key").isNull();
            return;
        }
        assertThat(server.verifyAuthentication(clientAuth)).hasSize(SecretHandshake.SERVER_ACCEPT_SIZE);
        State after = new State(result);
        byte[] clientKey = after.remoteBytes("publicKey");
        assertThat(server.result().remotePublicKey()).as("remote.publicKey").isEqualTo(clientKey);
        assertThat(asked.get()).as("the key the authorizer was asked about").isEqualTo(clientKey);
        byte[] ab = Curve25519.sharedSecret(state.localBytes("kx_sk"), state.remoteBytes("kx_pk"));
        byte[] aB = Curve25519.sharedSecret(Curve25519.secretFromEd25519Seed(state.identity().seed()),
                state.remoteBytes("kx_pk"));
        byte[] Ab = Curve25519.sharedSecret(state.localBytes("kx_sk"), Curve25519.publicFromEd25519(clientKey));
        assertThat(aB).as("a_bob").isEqualTo(after.bytes("a_bob"));
        assertThat(Ab).as("b_alice").isEqualTo(after.bytes("b_alice"));
        assertThat(KeySchedule.secret3(state.appKey(), ab, aB, Ab)).as("secret3").isEqualTo(after.bytes("secret3"));
        assertThat(SecretBox.open(KeySchedule.secret2(state.appKey(), ab, aB), KeySchedule.zeroNonce(), clientAuth))
                .as("remote.hello").contains(after.remoteBytes("hello"));
    }

    /** msg4: the server's signature over K ‖ msg3 plaintext ‖ sha256(ab), boxed with secret3. */
    private static void serverCreateAccept(State state, byte[] expected) {
        ServerHandshake server = state.server(k -> true);
        server.acceptHello(state.remoteHello());
        byte[] clientAuth = SecretBox.seal(state.bytes("secret2"), KeySchedule.zeroNonce(), state.remoteBytes("hello"));
        assertThat(server.verifyAuthentication(clientAuth)).hasSize(SecretHandshake.SERVER_ACCEPT_SIZE).isEqualTo(expected);
    }

    /** The client opens msg4 and verifies the server's signature: the handshake is complete. */
    private static void clientVerifyAccept(State state, byte[] serverAccept, JsonNode result) {
        ClientHandshake client = state.client();
        client.hello();
        client.authenticate(state.remoteHello());
        HandshakeResult outcome = client.verifyAccept(serverAccept);
        State after = new State(result);
        byte[] Ab = Curve25519.sharedSecret(Curve25519.secretFromEd25519Seed(state.identity().seed()),
                state.remoteBytes("kx_pk"));
        assertThat(Ab).as("b_alice").isEqualTo(after.bytes("b_alice"));
        byte[] secret3 = KeySchedule.secret3(state.appKey(), after.bytes("secret"), after.bytes("a_bob"), Ab);
        assertThat(secret3).as("secret3").isEqualTo(after.bytes("secret3"));
        byte[] sessionSecret = Sha256.hash(secret3);
        assertThat(outcome.remotePublicKey()).isEqualTo(state.remoteBytes("publicKey"));
        assertThat(outcome.encryptKey()).isEqualTo(Sha256.hash(sessionSecret, state.remoteBytes("publicKey")));
        assertThat(outcome.decryptKey()).isEqualTo(Sha256.hash(sessionSecret, state.identity().publicKey()));
        assertThat(outcome.encryptNonce()).isEqualTo(Arrays.copyOf(state.remoteBytes("app_mac"), SecretHandshake.NONCE_SIZE));
        assertThat(outcome.decryptNonce()).isEqualTo(Arrays.copyOf(state.localBytes("app_mac"), SecretHandshake.NONCE_SIZE));
    }

    /**
     * The session keys: secret = sha256(secret3), encryptKey = sha256(secret ‖ remote key),
     * decryptKey = sha256(secret ‖ local key). Replays the whole run, both sides.
     */
    private static void clean(State state, State after, KeyBook keys) {
        boolean server = state.remote().has("hello");
        byte[] localKey = state.localBytes("publicKey");
        byte[] remoteKey = state.remoteBytes("publicKey");
        byte[] localEphemeral = keys.ephemeralSecret(state.localBytes("kx_pk"));
        byte[] remoteEphemeral = keys.ephemeralSecret(state.remoteBytes("kx_pk"));
        Identity local = keys.identity(localKey);
        Identity remote = keys.identity(remoteKey);
        ClientHandshake client = server
                ? new ClientHandshake(state.appKey(), remote, localKey, Curve25519.KeyPair.fromSecretKey(remoteEphemeral))
                : new ClientHandshake(state.appKey(), local, remoteKey, Curve25519.KeyPair.fromSecretKey(localEphemeral));
        ServerHandshake serverSide = server
                ? new ServerHandshake(state.appKey(), local, k -> true, Curve25519.KeyPair.fromSecretKey(localEphemeral))
                : new ServerHandshake(state.appKey(), remote, k -> true, Curve25519.KeyPair.fromSecretKey(remoteEphemeral));
        byte[] clientHello = client.hello();
        byte[] serverHello = serverSide.acceptHello(clientHello);
        byte[] serverAccept = serverSide.verifyAuthentication(client.authenticate(serverHello));
        HandshakeResult clientResult = client.verifyAccept(serverAccept);
        HandshakeResult outcome = server ? serverSide.result() : clientResult;
        assertThat(server ? serverHello : clientHello).as("our hello").isEqualTo(state.localHello());
        assertThat(outcome.remotePublicKey()).isEqualTo(remoteKey);
        assertThat(outcome.encryptKey()).as("encryptKey").isEqualTo(after.bytes("encryptKey"));
        assertThat(outcome.decryptKey()).as("decryptKey").isEqualTo(after.bytes("decryptKey"));
        assertThat(Sha256.hash(after.bytes("secret"), remoteKey)).as("encryptKey = sha256(secret ‖ remote key)")
                .isEqualTo(after.bytes("encryptKey"));
        assertThat(outcome.encryptNonce()).isEqualTo(Arrays.copyOf(state.remoteBytes("app_mac"), SecretHandshake.NONCE_SIZE));
        assertThat(outcome.decryptNonce()).isEqualTo(Arrays.copyOf(state.localBytes("app_mac"), SecretHandshake.NONCE_SIZE));
    }

    /**
     * libsodium's seed key pair: secretKey = seed ‖ public key. Given a key pair instead of a seed,
     * the reference returns it as it is; we check that it is one.
     */
    private static void toKeys(JsonNode seedOrKeys, JsonNode result) {
        if (seedOrKeys.isObject()) {
            assertThat(result).isEqualTo(seedOrKeys);
        }
        byte[] seed = seedOrKeys.isObject()
                ? Arrays.copyOf(bytes(seedOrKeys.get("secretKey")), Ed25519.SEED_SIZE)
                : bytes(seedOrKeys);
        byte[] publicKey = Identity.fromSeed(seed).publicKey();
        assertThat(publicKey).isEqualTo(bytes(result.get("publicKey")));
        assertThat(concat(seed, publicKey)).isEqualTo(bytes(result.get("secretKey")));
    }

    private static void assertRefused(Runnable step, HandshakeException.Reason reason) {
        assertThatThrownBy(step::run).isInstanceOf(HandshakeException.class)
                .satisfies(e -> assertThat(((HandshakeException) e).reason()).isEqualTo(reason));
    }

    /** One recorded JS state object. */
    private record State(JsonNode json) {
        boolean isClient() {
            return remote().has("publicKey") && !remote().has("hello");
        }

        JsonNode remote() {
            return json.path("remote");
        }

        byte[] appKey() {
            return bytes("app_key");
        }

        byte[] bytes(String field) {
            return TestSecretHandshakeVectorsTest.bytes(json.get(field));
        }

        byte[] localBytes(String field) {
            return TestSecretHandshakeVectorsTest.bytes(json.get("local").get(field));
        }

        byte[] remoteBytes(String field) {
            return TestSecretHandshakeVectorsTest.bytes(remote().get(field));
        }

        /** Our hello as sent: app_mac ‖ kx_pk. */
        byte[] localHello() {
            return concat(localBytes("app_mac"), localBytes("kx_pk"));
        }

        /** The peer's hello as received: remote.app_mac ‖ remote.kx_pk. */
        byte[] remoteHello() {
            return concat(remoteBytes("app_mac"), remoteBytes("kx_pk"));
        }

        /** The long-term identity: libsodium's 64-byte secret key is seed ‖ public key. */
        Identity identity() {
            return Identity.fromSeed(Arrays.copyOf(localBytes("secretKey"), Ed25519.SEED_SIZE));
        }

        Curve25519.KeyPair ephemeral() {
            Curve25519.KeyPair pair = Curve25519.KeyPair.fromSecretKey(localBytes("kx_sk"));
            assertThat(pair.publicKey()).as("kx_pk").isEqualTo(localBytes("kx_pk"));
            return pair;
        }

        ClientHandshake client() {
            return new ClientHandshake(appKey(), identity(), remoteBytes("publicKey"), ephemeral());
        }

        ServerHandshake server(java.util.function.Predicate<byte[]> authorizer) {
            return new ServerHandshake(appKey(), identity(), authorizer, ephemeral());
        }
    }

    /** Every key the file reveals anywhere: ephemeral secrets by public key, identities by public key. */
    private record KeyBook(Map<String, byte[]> ephemeralSecrets, Map<String, byte[]> seeds) {
        static KeyBook of(JsonNode cases) {
            Map<String, byte[]> ephemeral = new HashMap<>();
            Map<String, byte[]> seeds = new HashMap<>();
            List<JsonNode> states = new ArrayList<>();
            for (JsonNode testCase : cases) {
                testCase.get("args").forEach(states::add);
                states.add(testCase.get("result"));
            }
            for (JsonNode state : states) {
                JsonNode local = state.path("local");
                if (local.hasNonNull("kx_sk")) {
                    ephemeral.put(local.get("kx_pk").asText(), bytes(local.get("kx_sk")));
                }
                if (local.hasNonNull("secretKey")) {
                    seeds.put(local.get("publicKey").asText(),
                            Arrays.copyOf(bytes(local.get("secretKey")), Ed25519.SEED_SIZE));
                }
            }
            return new KeyBook(ephemeral, seeds);
        }

        byte[] ephemeralSecret(byte[] publicKey) {
            byte[] secret = ephemeralSecrets.get(HEX.formatHex(publicKey));
            assertThat(secret).as("the vectors reveal kx_sk of %s elsewhere", HEX.formatHex(publicKey)).isNotNull();
            return secret;
        }

        Identity identity(byte[] publicKey) {
            byte[] seed = seeds.get(HEX.formatHex(publicKey));
            assertThat(seed).as("the vectors reveal the secret of %s elsewhere", HEX.formatHex(publicKey)).isNotNull();
            return Identity.fromSeed(seed);
        }
    }

    private static byte[] bytes(JsonNode hex) {
        assertThat(hex).as("a hex field").isNotNull();
        return HEX.parseHex(hex.asText());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
