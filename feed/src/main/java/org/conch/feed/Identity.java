package org.conch.feed;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An Ed25519 key pair that owns a feed, stored in ssb-keys' secret file format so that an existing
 * {@code ~/.ssb/secret} works as it is and conch's secret works in other clients.
 */
public final class Identity {
    private static final String CURVE = "ed25519";

    private final byte[] seed;
    private final byte[] publicKey;
    private final FeedId id;

    private Identity(byte[] seed) {
        Ed25519.checkLength(seed, Ed25519.SEED_SIZE, "seed");
        this.seed = seed.clone();
        this.publicKey = Ed25519.publicKeyFromSeed(this.seed);
        this.id = FeedId.of(publicKey);
    }

    public static Identity generate() {
        byte[] seed = new byte[Ed25519.SEED_SIZE];
        new SecureRandom().nextBytes(seed);
        return new Identity(seed);
    }

    public static Identity fromSeed(byte[] seed) {
        return new Identity(seed);
    }

    /** Reads ssb-keys' JSON form: {@code private} is base64(seed ‖ public key) + ".ed25519". */
    public static Identity fromKeysJson(Map<String, Object> keys) {
        Object curve = keys.get("curve");
        if (curve != null && !CURVE.equals(curve)) {
            throw new FeedException("unsupported key curve \"" + curve + "\", only ed25519 is known");
        }
        if (!(keys.get("private") instanceof String privateText)) {
            throw new FeedException("the secret has no \"private\" key");
        }
        int dot = privateText.indexOf('.');
        byte[] secret = Base64s.decodeLenient(dot < 0 ? privateText : privateText.substring(0, dot));
        if (secret.length != 64 && secret.length != Ed25519.SEED_SIZE) {
            throw new FeedException("the secret's private key has " + secret.length + " bytes, expected 64");
        }
        Identity identity = new Identity(Arrays.copyOf(secret, Ed25519.SEED_SIZE));
        if (secret.length == 64 && !Arrays.equals(Arrays.copyOfRange(secret, 32, 64), identity.publicKey)) {
            throw new FeedException("the secret's private key does not match its public key");
        }
        if (keys.get("id") instanceof String declared && declared.startsWith("@") && !declared.equals(identity.id.toString())) {
            throw new FeedException("the secret's id " + declared + " does not match its key " + identity.id);
        }
        return identity;
    }

    /** Loads a secret file written by ssb-keys or by conch: comment lines start with '#'. */
    public static Identity load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new FeedException("cannot read the secret file " + file + ": " + e.getMessage(), e);
        }
        StringBuilder json = new StringBuilder();
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (!stripped.startsWith("#")) json.append(stripped);
        }
        try {
            return fromKeysJson(Json.parseObject(json.toString()));
        } catch (FeedException e) {
            throw new FeedException("the secret file " + file + " is not a valid ssb-keys secret: " + e.getMessage(), e);
        }
    }

    /** Writes the secret in ssb-keys' format, readable by the owner only, replacing the file atomically. */
    public void save(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".secret", ".tmp");
            try {
                trySetOwnerOnly(temp);
                Files.writeString(temp, secretFileText(), StandardCharsets.US_ASCII);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new FeedException("cannot write the secret file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void trySetOwnerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing more we can do
        }
    }

    String secretFileText() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("curve", CURVE);
        keys.put("public", Base64.getEncoder().encodeToString(publicKey) + "." + CURVE);
        byte[] secret = Arrays.copyOf(seed, 64);
        System.arraycopy(publicKey, 0, secret, 32, 32);
        keys.put("private", Base64.getEncoder().encodeToString(secret) + "." + CURVE);
        keys.put("id", id.toString());
        return "# WARNING: Never show this to anyone.\n"
                + "# WARNING: Never edit it or use it on multiple devices at once.\n"
                + "#\n"
                + "# This is your SECRET, it gives you magical powers. With your secret you can\n"
                + "# sign your messages so that your friends can verify that the messages came\n"
                + "# from you. If anyone learns your secret, they can use it to impersonate you.\n"
                + "#\n"
                + "# If you use this secret on more than one device you will create a fork and\n"
                + "# your friends will stop replicating your content.\n"
                + "#\n"
                + CanonicalJson.pretty(keys) + "\n"
                + "#\n"
                + "# The only part of this file that's safe to share is your public name:\n"
                + "#\n"
                + "#   " + id + "\n";
    }

    public FeedId id() {
        return id;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 32-byte seed; handle with care. */
    public byte[] seed() {
        return seed.clone();
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(seed, publicKey, message);
    }

    @Override
    public String toString() {
        return "Identity[" + id + "]";
    }
}
