package org.conch.feed;

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

import java.util.Base64;

/**
 * The HMAC "sign cap" of a test network: when set, a message's signature covers
 * {@code crypto_auth(signingBytes, key)} (HMAC-SHA-512 truncated to 32 bytes) instead of the bytes
 * themselves. The main network has none.
 *
 * <p>A cap read from untrusted JSON may be malformed; it is then kept as invalid, because
 * ssb-validate rejects every message under a bad key rather than ignoring it.
 */
public final class SignCap {
    public static final SignCap NONE = new SignCap(null, true, "none");
    private static final int KEY_SIZE = 32;

    private final byte[] key;
    private final boolean valid;
    private final String description;

    private SignCap(byte[] key, boolean valid, String description) {
        this.key = key;
        this.valid = valid;
        this.description = description;
    }

    /** A cap from configuration: canonical base64 of exactly 32 bytes, or a clear error. */
    public static SignCap of(String base64) {
        SignCap cap = fromJson(base64);
        if (!cap.valid) {
            throw new FeedException("an HMAC sign cap is canonical base64 of 32 bytes, not \"" + base64 + "\"");
        }
        return cap;
    }

    /** A cap as ssb-validate reads one: null means none; a string must be canonical base64 of 32 bytes. */
    public static SignCap fromJson(Object value) {
        if (value == null) {
            return NONE;
        }
        if (!(value instanceof String text)) {
            return new SignCap(null, false, "a " + org.conch.feed.json.Json.typeName(value));
        }
        byte[] bytes = Base64s.decodeLenient(text);
        boolean canonical = Base64.getEncoder().encodeToString(bytes).equals(text);
        boolean valid = canonical && bytes.length == KEY_SIZE;
        return new SignCap(bytes, valid, "\"" + text + "\"");
    }

    public boolean isValid() {
        return valid;
    }

    public boolean isNone() {
        return key == null && valid;
    }

    /** The bytes the Ed25519 signature covers. */
    public byte[] apply(byte[] signingBytes) {
        if (key == null) {
            return signingBytes;
        }
        HMac hmac = new HMac(new SHA512Digest());
        hmac.init(new KeyParameter(key));
        hmac.update(signingBytes, 0, signingBytes.length);
        byte[] full = new byte[hmac.getMacSize()];
        hmac.doFinal(full, 0);
        return java.util.Arrays.copyOf(full, KEY_SIZE);
    }

    @Override
    public String toString() {
        return "SignCap[" + description + (valid ? "" : ", invalid") + "]";
    }
}
