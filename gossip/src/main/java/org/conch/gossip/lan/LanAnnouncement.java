package org.conch.gossip.lan;

import org.conch.feed.Ed25519;
import org.conch.feed.Identity;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.json.JsonException;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.crypto.SecretBox;
import org.conch.gossip.shs.SecretHandshake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A peer's address heard on the local network, and the two UDP payloads that carry one, as ssb-lan
 * writes and reads them (pure: bytes in, bytes out).
 *
 * <ul>
 *   <li>normal, to UDP {@value #NORMAL_PORT}: {@code secretBox(JSON.stringify({address}), nonce = K[0..24], key = K)}
 *       (K is the secret-handshake network key) followed by the 64-byte Ed25519 signature of
 *       {@code JSON.stringify({address}, null, 2)} by the key inside the address. Verified by that key.</li>
 *   <li>legacy (ssb-local), to UDP {@value #LEGACY_PORT}: the address as UTF-8 text. Never verified.</li>
 * </ul>
 *
 * A payload that is not an announcement decodes to an empty result, never an exception. Verifying an
 * address proves only that its key's owner announced it; the secret handshake still proves who answers.
 *
 * @param address  the announced address (its first {@code net~shs} part)
 * @param verified whether the announcement was signed by the key in the address
 */
public record LanAnnouncement(MultiserverAddress address, boolean verified) {
    public static final int NORMAL_PORT = 26830;
    public static final int LEGACY_PORT = 8008;
    /** Longer payloads are not announcements (a real one is about 170 bytes); they are ignored unread. */
    public static final int MAX_PAYLOAD_SIZE = 2048;

    private static final String ADDRESS_FIELD = "address";

    /** The normal payload announcing {@code address}, which must carry {@code identity}'s key. */
    public static byte[] encodeNormal(Identity identity, MultiserverAddress address, byte[] networkKey) {
        checkNetworkKey(networkKey);
        if (!address.key().equals(identity.id())) {
            throw new LanException("cannot announce " + address + " as " + identity.id() + ": the address holds another key");
        }
        String text = address.toString();
        byte[] box = SecretBox.seal(networkKey, nonce(networkKey), utf8(CanonicalJson.compact(Map.of(ADDRESS_FIELD, text))));
        byte[] signature = identity.sign(signedBytes(text));
        byte[] payload = Arrays.copyOf(box, box.length + Ed25519.SIGNATURE_SIZE);
        System.arraycopy(signature, 0, payload, box.length, Ed25519.SIGNATURE_SIZE);
        return payload;
    }

    /** The legacy payload announcing {@code address}: its text. */
    public static byte[] encodeLegacy(MultiserverAddress address) {
        return utf8(address.toString());
    }

    /**
     * The address in a normal payload, verified or not; empty when the payload does not open with
     * {@code networkKey} or holds no {@code net~shs} address.
     */
    public static Optional<LanAnnouncement> decodeNormal(byte[] payload, byte[] networkKey) {
        checkNetworkKey(networkKey);
        if (payload == null || payload.length > MAX_PAYLOAD_SIZE
                || payload.length < SecretBox.MAC_SIZE + Ed25519.SIGNATURE_SIZE) {
            return Optional.empty();
        }
        int boxSize = payload.length - Ed25519.SIGNATURE_SIZE;
        Optional<byte[]> opened = SecretBox.open(networkKey, nonce(networkKey), Arrays.copyOf(payload, boxSize));
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> text = addressField(opened.get());
        Optional<MultiserverAddress> address = text.flatMap(MultiserverAddress::tryParse);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        byte[] signature = Arrays.copyOfRange(payload, boxSize, payload.length);
        boolean verified = Ed25519.verify(address.get().key().bytes(), signature, signedBytes(text.get()));
        return Optional.of(new LanAnnouncement(address.get(), verified));
    }

    /** The address in a legacy payload, unverified; empty when the text is not a {@code net~shs} address. */
    public static Optional<LanAnnouncement> decodeLegacy(byte[] payload) {
        if (payload == null || payload.length > MAX_PAYLOAD_SIZE) {
            return Optional.empty();
        }
        return MultiserverAddress.tryParse(new String(payload, StandardCharsets.UTF_8))
                .map(address -> new LanAnnouncement(address, false));
    }

    /** What ssb-keys' {@code signObj} signs: {@code JSON.stringify({address}, null, 2)}. */
    private static byte[] signedBytes(String address) {
        return utf8(CanonicalJson.pretty(Map.of(ADDRESS_FIELD, address)));
    }

    /** {@code JSON.parse(plaintext).address} when it is a string (decoded leniently, as Node does). */
    private static Optional<String> addressField(byte[] plaintext) {
        try {
            return Json.parse(plaintext) instanceof Map<?, ?> object && object.get(ADDRESS_FIELD) instanceof String s
                    ? Optional.of(s) : Optional.empty();
        } catch (JsonException e) {
            return Optional.empty();
        }
    }

    /** ssb-keys' secretBox uses the key's first 24 bytes as the nonce, the same for every box. */
    private static byte[] nonce(byte[] networkKey) {
        return Arrays.copyOf(networkKey, SecretBox.NONCE_SIZE);
    }

    private static void checkNetworkKey(byte[] networkKey) {
        if (networkKey == null || networkKey.length != SecretHandshake.NETWORK_KEY_SIZE) {
            throw new LanException("a network key has " + SecretHandshake.NETWORK_KEY_SIZE + " bytes, not "
                    + (networkKey == null ? "none" : networkKey.length));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
