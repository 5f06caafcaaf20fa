package org.conch.gossip.shs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.conch.feed.Identity;
import org.conch.feed.testing.Vectors;
import org.conch.feed.crypto.Curve25519;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PySecretHandshake's deterministic run ({@code python-secret-handshake}): with the recorded
 * long-term and ephemeral keys, our client and server exchange exactly the recorded four messages
 * and derive the recorded session keys. (Its box-stream frames are checked in the boxstream tests.)
 */
class PythonSecretHandshakeVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static JsonNode vectors;

    @BeforeAll
    static void load() throws IOException {
        vectors = new ObjectMapper().readTree(Vectors.folder("python-secret-handshake")
                .resolve("shs_boxstream_vectors.json").toFile()).get("handshake");
    }

    @Test
    void theLongTermAndEphemeralKeysAreTheRecordedOnes() {
        assertThat(client().publicKey()).isEqualTo(bytes("client_longterm_pk"));
        assertThat(server().publicKey()).isEqualTo(bytes("server_longterm_pk"));
        assertThat(clientEphemeral().publicKey()).isEqualTo(bytes("client_ephemeral_pk"));
        assertThat(serverEphemeral().publicKey()).isEqualTo(bytes("server_ephemeral_pk"));
    }

    @Test
    void bothSidesSendExactlyTheRecordedMessages() {
        ClientHandshake client = newClient();
        ServerHandshake server = newServer();

        byte[] msg1 = client.hello();
        assertThat(msg1).isEqualTo(bytes("msg1_client_hello"));
        byte[] msg2 = server.acceptHello(msg1);
        assertThat(msg2).isEqualTo(bytes("msg2_server_hello"));
        byte[] msg3 = client.authenticate(msg2);
        assertThat(msg3).isEqualTo(bytes("msg3_client_authenticate"));
        byte[] msg4 = server.verifyAuthentication(msg3);
        assertThat(msg4).isEqualTo(bytes("msg4_server_accept"));
        client.verifyAccept(msg4);

        assertThat(client.isComplete()).isTrue();
        assertThat(server.isComplete()).isTrue();
    }

    @Test
    void theClientDerivesTheRecordedSessionKeysAndTheServerTheirMirror() {
        ClientHandshake client = newClient();
        ServerHandshake server = newServer();
        client.verifyAccept(server.verifyAuthentication(client.authenticate(server.acceptHello(client.hello()))));

        HandshakeResult atClient = client.result();
        assertThat(atClient.remotePublicKey()).isEqualTo(bytes("server_longterm_pk"));
        assertThat(atClient.encryptKey()).isEqualTo(bytes("client_encrypt_key"));
        assertThat(atClient.encryptNonce()).isEqualTo(bytes("client_encrypt_nonce"));
        assertThat(atClient.decryptKey()).isEqualTo(bytes("client_decrypt_key"));
        assertThat(atClient.decryptNonce()).isEqualTo(bytes("client_decrypt_nonce"));

        HandshakeResult atServer = server.result();
        assertThat(atServer.remotePublicKey()).isEqualTo(bytes("client_longterm_pk"));
        assertThat(atServer.encryptKey()).isEqualTo(bytes("client_decrypt_key"));
        assertThat(atServer.encryptNonce()).isEqualTo(bytes("client_decrypt_nonce"));
        assertThat(atServer.decryptKey()).isEqualTo(bytes("client_encrypt_key"));
        assertThat(atServer.decryptNonce()).isEqualTo(bytes("client_encrypt_nonce"));
    }

    @Test
    void theIntermediateSecretsAreTheRecordedOnes() {
        byte[] ab = bytes("shared_secret_ab");
        byte[] aB = bytes("shared_secret_aB");
        byte[] Ab = bytes("shared_secret_Ab");
        assertThat(Curve25519.sharedSecret(clientEphemeral().secretKey(), bytes("server_ephemeral_pk"))).isEqualTo(ab);
        assertThat(Curve25519.sharedSecret(serverEphemeral().secretKey(), bytes("client_ephemeral_pk"))).isEqualTo(ab);
        byte[] secret3 = KeySchedule.secret3(networkKey(), ab, aB, Ab);
        assertThat(secret3).as("box secret").isEqualTo(bytes("box_secret_sha256_K_ab_aB_Ab"));
        assertThat(org.conch.feed.crypto.Sha256.hash(secret3)).as("shared secret")
                .isEqualTo(bytes("shared_secret_sha256_box_secret"));
        assertThat(client().sign(KeySchedule.clientSignedMessage(networkKey(), bytes("server_longterm_pk"), ab)))
                .as("sigA").isEqualTo(bytes("detached_signature_A"));
    }

    private static ClientHandshake newClient() {
        return new ClientHandshake(networkKey(), client(), bytes("server_longterm_pk"), clientEphemeral());
    }

    private static ServerHandshake newServer() {
        return new ServerHandshake(networkKey(), server(), key -> true, serverEphemeral());
    }

    private static byte[] networkKey() {
        return bytes("network_identifier");
    }

    private static Identity client() {
        return Identity.fromSeed(bytes("client_longterm_seed"));
    }

    private static Identity server() {
        return Identity.fromSeed(bytes("server_longterm_seed"));
    }

    private static Curve25519.KeyPair clientEphemeral() {
        return Curve25519.KeyPair.fromSecretKey(bytes("client_ephemeral_sk"));
    }

    private static Curve25519.KeyPair serverEphemeral() {
        return Curve25519.KeyPair.fromSecretKey(bytes("server_ephemeral_sk"));
    }

    private static byte[] bytes(String field) {
        return HEX.parseHex(vectors.get(field).asText());
    }
}
