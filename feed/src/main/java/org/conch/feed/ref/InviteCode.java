package org.conch.feed.ref;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.conch.feed.FeedId;
import org.conch.feed.ref.MultiserverGrammar.Protocol;

/**
 * A pub invite: where the pub listens, its feed id, and the 32-byte seed of the key pair that may redeem the invite.
 * Two spellings are read, each with an optional {@code #redirect} (kept without the '#'):
 * <ul>
 * <li>classic: {@code HOST:PORT:@KEY.ed25519~SEED}</li>
 * <li>multiserver: {@code net:HOST:PORT~shs:KEY:SEED}</li>
 * </ul>
 * {@link #toString()} writes the classic form, {@link #toMultiserverString()} the other. A seed is base64 of 32
 * bytes as ssb-ref checks it (43 characters and '='); its unused bits are not checked, so a non-canonical seed is
 * written back canonically.
 */
public record InviteCode(String host, int port, FeedId pubKey, byte[] seed, Optional<String> redirect) {
    private static final String WHAT = "invite code";
    private static final int SEED_BYTES = 32;
    private static final Pattern SEED_BASE64 = Pattern.compile("[A-Za-z0-9/+]{43}=");

    public InviteCode {
        String problem = DialableHost.hostProblem(host);
        if (problem == null) problem = DialableHost.portProblem(port);
        if (problem == null && pubKey == null) problem = "pub key is missing";
        if (problem == null && (seed == null || seed.length != SEED_BYTES)) {
            problem = "seed must be " + SEED_BYTES + " bytes";
        }
        if (problem != null) throw new InvalidRefException("invalid " + WHAT + ": " + problem);
        seed = seed.clone();
        redirect = redirect == null ? Optional.empty() : redirect;
    }

    public InviteCode(String host, int port, FeedId pubKey, byte[] seed) {
        this(host, port, pubKey, seed, Optional.empty());
    }

    /** Parses either spelling; the reason in the exception says what is missing or wrong. */
    public static InviteCode parse(String code) {
        if (code == null) throw new InvalidRefException("invalid " + WHAT + ": null");
        int hash = code.indexOf('#');
        String main = hash < 0 ? code : code.substring(0, hash);
        Optional<String> redirect = hash < 0 ? Optional.empty() : Optional.of(code.substring(hash + 1));
        if (main.isBlank()) throw InvalidRefException.of(WHAT, code, "invite code is empty");
        // A classic seed is base64 and so holds no ':'; only the multiserver form has "~shs:".
        return main.contains("~shs:") ? parseMultiserver(code, main, redirect) : parseClassic(code, main, redirect);
    }

    /** Like {@link #parse} but empty instead of throwing (also for null). */
    public static Optional<InviteCode> tryParse(String code) {
        try {
            return Optional.of(parse(code));
        } catch (InvalidRefException e) {
            return Optional.empty();
        }
    }

    /** A copy of the 32-byte seed. */
    @Override
    public byte[] seed() {
        return seed.clone();
    }

    /** The pub's address, to dial with the key pair from the seed. */
    public MultiserverAddress address() {
        return new MultiserverAddress(host, port, pubKey);
    }

    /** {@code HOST:PORT:@KEY.ed25519~SEED}, then {@code #redirect} if there is one. */
    @Override
    public String toString() {
        return host + ":" + port + ":" + pubKey + "~" + seedBase64() + redirectSuffix();
    }

    /** {@code net:HOST:PORT~shs:KEY:SEED}, then {@code #redirect} if there is one. */
    public String toMultiserverString() {
        return address() + ":" + seedBase64() + redirectSuffix();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InviteCode that && port == that.port && host.equals(that.host)
                && pubKey.equals(that.pubKey) && Arrays.equals(seed, that.seed) && redirect.equals(that.redirect);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, pubKey, Arrays.hashCode(seed), redirect);
    }

    private String seedBase64() {
        return Base64.getEncoder().encodeToString(seed);
    }

    private String redirectSuffix() {
        return redirect.map(text -> "#" + text).orElse("");
    }

    private static InviteCode parseClassic(String code, String main, Optional<String> redirect) {
        int tilde = main.indexOf('~');
        if (tilde < 0) throw InvalidRefException.of(WHAT, code, "invite code has no seed");
        if (main.indexOf('~', tilde + 1) >= 0) throw InvalidRefException.of(WHAT, code, "more than one '~'");
        List<String> fields = JsStrings.split(main.substring(0, tilde), ':');
        if (fields.size() < 3) {
            throw InvalidRefException.of(WHAT, code, "expected HOST:PORT:@KEY.ed25519~SEED");
        }
        String keyText = fields.remove(fields.size() - 1);
        FeedId pubKey;
        try {
            pubKey = FeedId.parse(keyText);
        } catch (InvalidRefException e) {
            throw InvalidRefException.of(WHAT, code, "pub key: " + e.getMessage());
        }
        int port = DialableHost.parsePort(fields.remove(fields.size() - 1), WHAT, code);
        String host = String.join(":", fields);
        String hostProblem = DialableHost.hostProblem(host);
        if (hostProblem != null) throw InvalidRefException.of(WHAT, code, hostProblem);
        return new InviteCode(host, port, pubKey, decodeSeed(main.substring(tilde + 1), code), redirect);
    }

    private static InviteCode parseMultiserver(String code, String main, Optional<String> redirect) {
        List<List<Protocol>> addresses = MultiserverGrammar.decode(main).orElseThrow(() ->
                InvalidRefException.of(WHAT, code, "not multiserver syntax (expected net:HOST:PORT~shs:KEY:SEED)"));
        List<Protocol> netShs = MultiserverAddress.netShsAddress(addresses).orElseThrow(() ->
                InvalidRefException.of(WHAT, code, MultiserverAddress.whyNoNetShs(addresses)));
        MultiserverAddress address = MultiserverAddress.fromNetShs(netShs, WHAT, code);
        List<String> shs = netShs.get(1).data();
        if (shs.size() < 2) throw InvalidRefException.of(WHAT, code, "invite code has no seed");
        if (shs.size() > 2) throw InvalidRefException.of(WHAT, code, "unexpected fields after the seed");
        return new InviteCode(address.host(), address.port(), address.key(), decodeSeed(shs.get(1), code), redirect);
    }

    private static byte[] decodeSeed(String seed, String code) {
        if (seed.isEmpty()) throw InvalidRefException.of(WHAT, code, "invite code has no seed");
        if (!SEED_BASE64.matcher(seed).matches()) {
            throw InvalidRefException.of(WHAT, code, "seed is not base64 of " + SEED_BYTES + " bytes");
        }
        return Base64.getDecoder().decode(seed);
    }
}
