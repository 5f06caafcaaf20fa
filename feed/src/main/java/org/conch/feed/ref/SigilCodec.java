package org.conch.feed.ref;

import java.util.Base64;

/**
 * The strict codec shared by FeedId, MessageId and BlobId: sigil + canonical base64 of 32 bytes + suffix.
 * "Canonical" is what is-canonical-base64 (used by ssb-ref) demands: 44 characters of the standard alphabet, one
 * '=' of padding, and zero in the two unused bits of the last character, so that each id has one spelling.
 */
public final class SigilCodec {
    /** Bytes in a feed key or a sha256 hash. */
    public static final int KEY_BYTES = 32;
    /** Characters of canonical base64 for {@link #KEY_BYTES} bytes, padding included. */
    public static final int BASE64_CHARS = 44;

    /** The characters that may end canonical base64 of 32 bytes: their two low bits are zero. */
    private static final String LAST_CHARS_OF_32_BYTES = "AEIMQUYcgkosw048";

    private SigilCodec() {
    }

    /**
     * The 32 bytes of {@code input}, which must be {@code sigil + base64 + suffix}; {@code what} names the kind of
     * ref in the error ("feed id", "message id").
     */
    public static byte[] decode(String input, char sigil, String suffix, String what) {
        if (input == null) throw new InvalidRefException("invalid " + what + ": null");
        if (input.isEmpty() || input.charAt(0) != sigil) {
            throw InvalidRefException.of(what, input, "must start with '" + sigil + "'");
        }
        if (!input.endsWith(suffix)) {
            throw InvalidRefException.of(what, input, "must end with \"" + suffix + "\"");
        }
        String base64 = input.substring(1, Math.max(1, input.length() - suffix.length()));
        String reason = canonicalBase64Problem(base64);
        if (reason != null) throw InvalidRefException.of(what, input, reason);
        return Base64.getDecoder().decode(base64);
    }

    /** The 32 bytes of bare canonical base64 (no sigil, no suffix), e.g. the key inside "shs:KEY". */
    public static byte[] decodeBase64(String base64, String what) {
        if (base64 == null) throw new InvalidRefException("invalid " + what + ": null");
        String reason = canonicalBase64Problem(base64);
        if (reason != null) throw InvalidRefException.of(what, base64, reason);
        return Base64.getDecoder().decode(base64);
    }

    /** {@code sigil + base64(bytes) + suffix}, after checking that there are 32 bytes. */
    public static String encode(char sigil, byte[] bytes, String suffix, String what) {
        return sigil + encodeBase64(bytes, what) + suffix;
    }

    /** Canonical base64 of 32 bytes. */
    public static String encodeBase64(byte[] bytes, String what) {
        requireKeyLength(bytes, what);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Throws unless {@code bytes} holds exactly 32 bytes. */
    public static void requireKeyLength(byte[] bytes, String what) {
        if (bytes == null) throw new InvalidRefException("invalid " + what + ": no bytes");
        if (bytes.length != KEY_BYTES) {
            throw new InvalidRefException("invalid " + what + ": needs " + KEY_BYTES + " bytes, got " + bytes.length);
        }
    }

    /** Why {@code base64} is not canonical base64 of 32 bytes, or null when it is. */
    static String canonicalBase64Problem(String base64) {
        if (base64.length() != BASE64_CHARS) {
            return "base64 part must be " + BASE64_CHARS + " characters (" + KEY_BYTES + " bytes), found "
                    + base64.length();
        }
        for (int i = 0; i < BASE64_CHARS - 1; i++) {
            if (!isBase64Char(base64.charAt(i))) {
                return "invalid base64 character " + InvalidRefException.quote(String.valueOf(base64.charAt(i)))
                        + " at offset " + i;
            }
        }
        if (base64.charAt(BASE64_CHARS - 1) != '=') return "base64 of " + KEY_BYTES + " bytes must end with one '='";
        if (LAST_CHARS_OF_32_BYTES.indexOf(base64.charAt(BASE64_CHARS - 2)) < 0) {
            return "base64 is not canonical (the unused bits of its last character must be zero)";
        }
        return null;
    }

    static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    static boolean isLastCharOf32Bytes(char c) {
        return LAST_CHARS_OF_32_BYTES.indexOf(c) >= 0;
    }
}
