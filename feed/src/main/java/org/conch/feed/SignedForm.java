package org.conch.feed;

import org.conch.feed.json.CanonicalJson;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;

/**
 * A message's signed JSON ({@code JSON.stringify(value, null, 2)}), rendered once into buffers a thread
 * keeps, and what validation needs of it without a copy per use: its length in UTF-16 units, its id (the
 * hash of the units' low bytes), the signature check over its UTF-8 without the signature line, and the
 * compact UTF-8 the store keeps. Receiving made five copies of the text a message before (a string, its
 * UTF-8, the signing bytes, the low bytes, the compact form), a sixth of what the receive path allocated.
 *
 * <p>One per thread ({@link #of}); each {@link #render} replaces the last message's.
 */
final class SignedForm {
    /** Messages are at most 8192 units; past four times that, a thread drops the buffers after use. */
    private static final int MOST_UNITS_KEPT = 4 * MessageValidator.MAX_MESSAGE_LENGTH;
    private static final ThreadLocal<SignedForm> PER_THREAD = ThreadLocal.withInitial(SignedForm::new);
    private static final String SIGNATURE_KEY_LINE = ",\n  \"signature\": ";

    private final StringBuilder text = new StringBuilder(4096);
    private final MessageDigest sha256;
    private char[] units = new char[0];
    /** UTF-8 of the text; then scratch space after it for the low bytes and the compact form. */
    private byte[] bytes = new byte[0];
    private int length;
    private int utf8Length = -1;

    private SignedForm() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** This thread's form. */
    static SignedForm of() {
        return PER_THREAD.get();
    }

    /** Renders {@code value}'s signed JSON; returns its length in UTF-16 units (JavaScript's string length). */
    int render(Map<String, Object> value) {
        text.setLength(0);
        CanonicalJson.writePretty(text, value);
        length = text.length();
        utf8Length = -1;
        if (units.length < length) units = new char[Math.max(length, 2 * units.length)];
        text.getChars(0, length, units, 0);
        if (text.capacity() > MOST_UNITS_KEPT) PER_THREAD.remove(); // a rare huge value keeps no memory
        return length;
    }

    /** The rendered text (for error messages and tests). */
    String text() {
        return new String(units, 0, length);
    }

    /** sha256 over the low byte of each UTF-16 unit: exactly Node's {@code Buffer.from(string, 'binary')}. */
    MessageId id() {
        ensureBytes(utf8Length() + length);
        int at = utf8Length;
        for (int i = 0; i < length; i++) bytes[at + i] = (byte) units[i];
        sha256.reset();
        sha256.update(bytes, at, length);
        return MessageId.of(sha256.digest());
    }

    /**
     * Whether {@code signature} by {@code publicKey} covers the text without its last key (the signature),
     * as ssb-keys signs it: the UTF-8 up to that key's line, then {@code "\n}"}. {@code cap} other than none
     * signs an HMAC of those bytes instead.
     */
    boolean signedBy(byte[] publicKey, byte[] signature, SignCap cap) {
        int utf8 = utf8Length();
        int cut = text.lastIndexOf(SIGNATURE_KEY_LINE);
        // The signature line is ASCII, so the UTF-8 of what precedes it is a prefix of the whole.
        int kept = utf8 - (length - cut);
        if (!cap.isNone()) {
            byte[] signing = Arrays.copyOf(bytes, kept + 2);
            signing[kept] = '\n';
            signing[kept + 1] = '}';
            return Ed25519.verify(publicKey, signature, cap.apply(signing));
        }
        // The two bytes after the prefix are the signature line's ",\n": "\n}" in their place for the check.
        bytes[kept] = '\n';
        bytes[kept + 1] = '}';
        try {
            return Ed25519.verify(publicKey, signature, bytes, 0, kept + 2);
        } finally {
            bytes[kept] = ',';
            bytes[kept + 1] = '\n';
        }
    }

    /** {@code JSON.stringify(value)}'s UTF-8, from the signed form's (see {@link CanonicalJson#compactFromPretty}). */
    byte[] compactUtf8() {
        int utf8 = utf8Length();
        ensureBytes(2 * utf8);
        int n = CanonicalJson.compactFromPretty(bytes, utf8, bytes, utf8);
        return Arrays.copyOfRange(bytes, utf8, utf8 + n);
    }

    /** Encodes the units to UTF-8 at the start of {@code bytes} once per render; returns its length. */
    private int utf8Length() {
        if (utf8Length >= 0) return utf8Length;
        ensureBytes(3 * length);
        int n = 0;
        for (int i = 0; i < length; i++) {
            char c = units[i];
            if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else if (c < 0x800) {
                bytes[n++] = (byte) (0xc0 | c >> 6);
                bytes[n++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(units[i + 1])) {
                int code = Character.toCodePoint(c, units[++i]);
                bytes[n++] = (byte) (0xf0 | code >> 18);
                bytes[n++] = (byte) (0x80 | code >> 12 & 0x3f);
                bytes[n++] = (byte) (0x80 | code >> 6 & 0x3f);
                bytes[n++] = (byte) (0x80 | code & 0x3f);
            } else if (Character.isSurrogate(c)) {
                // Never in V8's output (it escapes lone surrogates); '?' as Java's encoder writes it.
                bytes[n++] = '?';
            } else {
                bytes[n++] = (byte) (0xe0 | c >> 12);
                bytes[n++] = (byte) (0x80 | c >> 6 & 0x3f);
                bytes[n++] = (byte) (0x80 | c & 0x3f);
            }
        }
        utf8Length = n;
        return n;
    }

    /** At least {@code size} bytes, keeping what is there. */
    private void ensureBytes(int size) {
        if (bytes.length < size) bytes = Arrays.copyOf(bytes, Math.max(size, 2 * bytes.length));
    }
}
