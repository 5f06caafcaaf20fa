package org.conch.feed;

import org.conch.feed.InvalidMessageException.Reason;
import org.conch.feed.json.Json;
import org.conch.feed.json.JsNumbers;
import org.conch.feed.ref.SsbRefs;

import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of ssb-validate 4.1.4 ({@code checkInvalid}) as a pure function: a feed's state and a
 * message value in, the validated {@link Message} out, or an {@link InvalidMessageException} naming
 * author, sequence and the broken rule. Verdicts agree with the JavaScript reference, including its
 * quirks (loose equality on {@code previous}, 32-bit sequences, sizes in UTF-16 code units).
 *
 * <p>Validation splits in two for speed: {@link #validateDetached} does everything that does not
 * depend on the feed's state (the signature above all) and can run on any thread;
 * {@link #checkChain} then checks sequence and previous against the state, in feed order.
 */
public final class MessageValidator {
    /** Longest signed JSON, in UTF-16 code units (JavaScript string length). */
    public static final int MAX_MESSAGE_LENGTH = 8192;
    public static final int MIN_TYPE_LENGTH = 3;
    public static final int MAX_TYPE_LENGTH = 52;

    // JavaScript's '.' matches all but these four line terminators; Java's also skips U+0085.
    private static final String JS_DOT = "[^\\n\\r\\u2028\\u2029]";
    private static final String B64 = "[a-zA-Z0-9/+]";
    /** is-canonical-base64 without a fixed length. */
    private static final String CANONICAL_BASE64 =
            "(?:" + B64 + "{4})*(?:" + B64 + "(?:(?:[AQgw]==)|(?:" + B64 + "[AEIMQUYcgkosw048]=)))?";
    private static final Pattern SIGNATURE = Pattern.compile("^" + CANONICAL_BASE64 + "\\.sig" + JS_DOT + "\\w+\\z");
    private static final Pattern ENCRYPTED = Pattern.compile("^" + CANONICAL_BASE64 + "\\.box" + JS_DOT + "*\\z");
    private static final Pattern CURVE = Pattern.compile("\\.(\\w+)");
    private static final String[] ORDER = {"previous", "author", "sequence", "timestamp", "hash", "content", "signature"};

    private MessageValidator() {
    }

    /** Validates a message against its feed's state ({@code null} for a feed's first message). */
    public static Message validate(FeedState state, Object value, SignCap cap) {
        Map<String, Object> msg = checkAuthorAndSignatureFormat(value);
        checkChainOf(state, msg);
        return checkRest(msg, cap);
    }

    /** Every rule that does not depend on the feed's state; pair with {@link #checkChain}. */
    public static Message validateDetached(Object value, SignCap cap) {
        return checkRest(checkAuthorAndSignatureFormat(value), cap);
    }

    /** The rules that depend on the feed's state, for a message {@link #validateDetached} accepted. */
    public static void checkChain(FeedState state, Message message) {
        checkChainOf(state, message.value());
    }

    /** Parses JSON text and validates it. */
    public static Message validate(FeedState state, String json, SignCap cap) {
        return validate(state, Json.parse(json), cap);
    }

    /** The message id of a message value: sha256 over the low byte of each UTF-16 unit of its signed JSON. */
    public static MessageId idOf(Map<String, Object> value) {
        SignedForm form = SignedForm.of();
        form.render(value);
        return form.id();
    }

    // checkInvalidCheap, first part: author and the signature's format.
    @SuppressWarnings("unchecked")
    private static Map<String, Object> checkAuthorAndSignatureFormat(Object value) {
        if (!(value instanceof Map)) {
            // null throws in JavaScript; anything else has no author.
            throw new InvalidMessageException(null, null,
                    value == null ? Reason.NOT_AN_OBJECT : Reason.BAD_AUTHOR, "got " + Json.typeName(value));
        }
        Map<String, Object> msg = (Map<String, Object>) value;
        Object author = msg.get("author");
        if (!isFeedId(author)) {
            throw invalid(msg, Reason.BAD_AUTHOR, null);
        }
        if (!signatureMatchesCurve(msg.get("signature"), (String) author)) {
            throw invalid(msg, Reason.BAD_SIGNATURE_FORMAT, null);
        }
        return msg;
    }

    private static void checkChainOf(FeedState state, Map<String, Object> msg) {
        Object sequence = msg.get("sequence");
        Object previous = msg.get("previous");
        if (state != null) {
            // JavaScript compares these with != (loose equality).
            if (!looselyEqualsNumber(sequence, state.sequence() + 1)) {
                throw invalid(msg, Reason.WRONG_SEQUENCE, "expected " + (state.sequence() + 1));
            }
            if (!looselyEqualsString(previous, state.id().toString())) {
                throw invalid(msg, Reason.FORK, "expected previous " + state.id());
            }
        } else {
            if (previous != null || !msg.containsKey("previous")) {
                throw invalid(msg, Reason.FIRST_PREVIOUS_NOT_NULL, null);
            }
            if (!(sequence instanceof Double d) || d != 1.0) {
                throw invalid(msg, Reason.FIRST_SEQUENCE_NOT_ONE, null);
            }
            if (!(msg.get("timestamp") instanceof Double)) {
                throw invalid(msg, Reason.FIRST_TIMESTAMP_NOT_NUMBER, null);
            }
        }
    }

    // checkInvalidCheap from the key order on, then the HMAC key and the signature.
    private static Message checkRest(Map<String, Object> msg, SignCap cap) {
        SignedForm form = checkShape(msg);
        if (!cap.isValid()) {
            throw invalid(msg, Reason.BAD_HMAC_KEY, cap.toString());
        }
        String author = (String) msg.get("author");
        if (!author.substring(author.indexOf('.') + 1).equals("ed25519")) {
            // ssb-keys knows no other curve and throws.
            throw invalid(msg, Reason.BAD_SIGNATURE, "unknown curve");
        }
        byte[] publicKey = Base64s.decodeLenient(author.substring(1, author.indexOf('.')));
        String signatureText = (String) msg.get("signature");
        byte[] signature = Base64s.decodeLenient(signatureText.substring(0, signatureText.indexOf('.')));
        if (signature.length > Ed25519.SIGNATURE_SIZE) {
            // 88 base64 characters with less padding decode to 65 or 66 bytes; sodium-native, which the
            // JavaScript peers load, verifies the first 64 and ignores the rest, so conch does too.
            signature = java.util.Arrays.copyOf(signature, Ed25519.SIGNATURE_SIZE);
        }
        if (!form.signedBy(publicKey, signature, cap)) {
            throw invalid(msg, Reason.BAD_SIGNATURE, null);
        }
        return validated(form, FeedId.of(publicKey), msg);
    }

    /** Key order, isInvalidShape and the content type; returns the signed JSON, rendered. */
    private static SignedForm checkShape(Map<String, Object> msg) {
        if (!hasValidOrder(msg)) {
            throw invalid(msg, Reason.KEY_ORDER, null);
        }
        Object sequence = msg.get("sequence");
        Object content = msg.get("content");
        if (!isInt32(sequence)
                || !(content instanceof Map || content instanceof List || isEncrypted(content))
                || !"sha256".equals(msg.get("hash"))) {
            throw invalid(msg, Reason.BAD_SHAPE, null);
        }
        SignedForm form = SignedForm.of();
        int length = form.render(msg);
        if (length > MAX_MESSAGE_LENGTH) {
            throw invalid(msg, Reason.TOO_LARGE, length + " units");
        }
        if (!isEncrypted(content)) {
            Object type = content instanceof Map<?, ?> map ? map.get("type") : null;
            if (!(type instanceof String t) || t.length() < MIN_TYPE_LENGTH || t.length() > MAX_TYPE_LENGTH) {
                throw invalid(msg, Reason.BAD_TYPE, "type " + describe(type));
            }
        }
        return form;
    }

    /** A message conch just signed itself: the shape rules apply, the signature is known good. */
    static Message checkSigned(FeedId author, Map<String, Object> value) {
        return validated(checkShape(value), author, value);
    }

    /** The message, with its compact JSON (which the store keeps) taken from the pretty form just rendered. */
    private static Message validated(SignedForm form, FeedId author, Map<String, Object> value) {
        return new Message(form.id(), author, ((Double) value.get("sequence")).longValue(), value, form.compactUtf8());
    }

    static boolean isFeedId(Object author) {
        return author instanceof String s && SsbRefs.isFeed(s);
    }

    /** isSigMatchesCurve: canonical base64 of 88 characters, then ".sig." and the author's curve. */
    static boolean signatureMatchesCurve(Object signature, String author) {
        // RegExp.test stringifies its argument; only a string can then also have the right length.
        if (!(signature instanceof String sig)) {
            return false;
        }
        // The form of nearly every message, checked by hand: the expressions cost as much as the other shape rules.
        return isPlainEd25519Signature(sig) && SsbRefs.isPlainEd25519FeedId(author) || signatureMatchesCurveByExpressions(sig, author);
    }

    /** {@link #signatureMatchesCurve} as ssb-validate writes it, for a feed id {@code author}. */
    static boolean signatureMatchesCurveByExpressions(String sig, String author) {
        if (!SIGNATURE.matcher(sig).matches()) {
            return false;
        }
        Matcher curve = CURVE.matcher(author);
        if (!curve.find()) {
            return false;
        }
        String suffix = ".sig." + curve.group(1);
        int base64Length = sig.length() - (curve.group(1).length() + 5);
        return base64Length == 88 && sig.substring(base64Length).equals(suffix);
    }

    /** 88 characters of canonical base64, then ".sig.ed25519". */
    private static boolean isPlainEd25519Signature(String sig) {
        return sig.length() == 100 && sig.startsWith(".sig.ed25519", 88) && SsbRefs.isCanonicalBase64(sig, 0, 88);
    }

    static boolean isEncrypted(Object content) {
        return content instanceof String s && !s.isEmpty() && ENCRYPTED.matcher(s).matches();
    }

    /** JavaScript's {@code ~~n === n}: a number that survives conversion to a 32-bit integer. */
    private static boolean isInt32(Object value) {
        return value instanceof Double d && d == (double) (int) (double) d && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE;
    }

    private static boolean hasValidOrder(Map<String, Object> msg) {
        if (msg.size() != ORDER.length) return false;
        Iterator<String> keys = msg.keySet().iterator();
        String[] actual = new String[ORDER.length];
        for (int i = 0; i < actual.length; i++) actual[i] = keys.next();
        boolean authorThenSequence = actual[1].equals("author") && actual[2].equals("sequence");
        boolean sequenceThenAuthor = actual[1].equals("sequence") && actual[2].equals("author");
        return actual[0].equals("previous") && (authorThenSequence || sequenceThenAuthor)
                && actual[3].equals("timestamp") && actual[4].equals("hash")
                && actual[5].equals("content") && actual[6].equals("signature");
    }

    /** {@code value == number} in JavaScript, for the values JSON can hold (null is never equal). */
    private static boolean looselyEqualsNumber(Object value, double number) {
        return value != null && JsNumbers.toNumber(value) == number;
    }

    /** {@code value == string} in JavaScript, for the values JSON can hold. */
    private static boolean looselyEqualsString(Object value, String string) {
        if (value instanceof String s) return s.equals(string);
        if (value instanceof Double || value instanceof Boolean) return JsNumbers.toNumber(value) == JsNumbers.toNumber(string);
        if (value instanceof List<?> list) return JsNumbers.arrayToString(list).equals(string);
        if (value instanceof Map) return "[object Object]".equals(string);
        return false; // null and undefined equal only each other
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\" (" + s.length() + " units)" : Json.typeName(value);
    }

    private static InvalidMessageException invalid(Map<String, Object> msg, Reason reason, String detail) {
        Object author = msg.get("author");
        return new InvalidMessageException(author instanceof String s ? s : null, msg.get("sequence"), reason, detail);
    }

    /** Base64 of a 64-byte signature with its suffix, as signatures are written in messages. */
    static String signatureText(byte[] signature) {
        return Base64.getEncoder().encodeToString(signature) + ".sig.ed25519";
    }
}
