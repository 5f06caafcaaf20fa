package org.conch.feed.privatebox;

import org.conch.feed.Base64s;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.MessageId;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.json.JsonException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A message's private content as ssb-keys 8.5.0 boxes and unboxes it: the content string is
 * {@code base64(PrivateBox(UTF-8 of JSON.stringify(content))) + ".box"}, boxed for the recipients' feed keys
 * converted to Curve25519, and opened with the reader's Ed25519 secret converted the way libsodium's
 * {@code crypto_sign_ed25519_sk_to_curve25519} does. Content values are those of {@link Json}'s model.
 *
 * <p>Reading never throws: a string that is not a box for this reader, or whose body is not JSON, gives an
 * empty result, as ssb-keys gives {@code undefined}. A body of JSON {@code null} is empty too (ssb-keys
 * returns {@code null}, which its callers take for "could not decrypt").
 */
public final class PrivateContent {
    /** ssb-keys appends it; ssb-keys does not read it back (it reads up to the first dot). */
    public static final String SUFFIX = ".box";

    private PrivateContent() {
    }

    /**
     * The content string of {@code content} boxed for 1 to {@value PrivateBox#MAX_RECIPIENTS} feeds.
     *
     * @throws PrivateBoxException for no recipient or too many
     * @throws org.conch.feed.crypto.CryptoException for a feed key that has no Curve25519 form
     */
    public static String box(Object content, List<FeedId> recipients) {
        List<byte[]> curveKeys = recipients.stream()
                .map(feed -> Curve25519.publicFromEd25519(feed.bytes()))
                .toList();
        byte[] plaintext = CanonicalJson.compact(content).getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(PrivateBox.box(plaintext, curveKeys)) + SUFFIX;
    }

    /**
     * What the local identity {@code author} signs for {@code content}: the boxed string when the content is
     * private, else the content as it is. A content is private when it has {@code recps} (boxed for those and
     * the author, who is added to its {@code recps} when missing), or when it is a reply whose {@code root} is
     * a private conversation: then it inherits that conversation's recipients.
     *
     * @param threadRecipients the recipients of a private conversation by its root, empty for any other message
     * @throws PrivateBoxException when {@code recps} is not a list of 1 to 7 feed ids (the author included)
     */
    public static Object sealIfPrivate(Object content, FeedId author,
                                       Function<MessageId, Optional<List<FeedId>>> threadRecipients) {
        if (!(content instanceof Map<?, ?> object)) return content;
        List<FeedId> recipients;
        if (object.containsKey("recps")) {
            recipients = PrivateThreads.recipientsToPublish(object, author);
        } else {
            recipients = PrivateThreads.rootOf(object).flatMap(threadRecipients).orElse(null);
            if (recipients == null) return content;
            if (!recipients.contains(author)) {
                recipients = new ArrayList<>(recipients);
                recipients.add(author);
            }
        }
        Map<String, Object> sealed = new LinkedHashMap<>();
        object.forEach((key, value) -> sealed.put(String.valueOf(key), value));
        sealed.put("recps", recipients.stream().map(FeedId::toString).toList());
        return box(sealed, recipients);
    }

    /** The content, when {@code boxed} is a box for {@code reader} holding JSON. */
    public static Optional<Object> unbox(String boxed, Identity reader) {
        return unboxKey(boxed, reader).flatMap(key -> unboxBody(boxed, key));
    }

    /** The key of {@code boxed}'s slot for {@code reader} (ssb-keys' {@code unboxKey}). */
    public static Optional<UnboxKey> unboxKey(String boxed, Identity reader) {
        byte[] secretKey = Curve25519.secretFromEd25519Seed(reader.seed());
        try {
            return unboxKey(boxed, secretKey);
        } finally {
            Arrays.fill(secretKey, (byte) 0);
        }
    }

    /** {@link #unboxKey(String, Identity)} with the reader's Curve25519 secret already computed (see {@link PrivateReader}). */
    static Optional<UnboxKey> unboxKey(String boxed, byte[] curveSecretKey) {
        return PrivateBox.unboxKey(boxBytes(boxed), curveSecretKey);
    }

    /** The content of {@code boxed} opened with a key kept from {@link #unboxKey} (ssb-keys' {@code unboxBody}). */
    public static Optional<Object> unboxBody(String boxed, UnboxKey key) {
        return PrivateBox.unboxBody(boxBytes(boxed), key).flatMap(PrivateContent::parse);
    }

    /** ssb-keys' {@code toBuffer}: a leading sigil dropped, up to the first dot, base64 read as Node reads it. */
    private static byte[] boxBytes(String boxed) {
        if (boxed == null) return new byte[0];
        int start = !boxed.isEmpty() && "@%&".indexOf(boxed.charAt(0)) >= 0 ? 1 : 0;
        int dot = boxed.indexOf('.');
        return Base64s.decodeLenient(boxed.substring(start, dot < 0 ? boxed.length() : Math.max(dot, start)));
    }

    private static Optional<Object> parse(byte[] utf8) {
        try {
            return Optional.ofNullable(Json.parse(utf8));
        } catch (JsonException notJson) {
            return Optional.empty();
        }
    }
}
