package org.conch.feed.ref;

import org.conch.feed.json.JsNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.conch.feed.ref.MultiserverGrammar.Protocol;

/**
 * The predicates and parsers of the npm package ssb-ref 2.16.0, answer for answer, quirks included: isFeed takes
 * {@code @….sha256} and any character in place of the '.', isPort takes 65536 and negative numbers, the IPv6 check
 * takes the empty string. Other peers decide with these functions, so conch must agree with them; for conch's own
 * parsing use the strict types ({@link org.conch.feed.FeedId}, {@link MultiserverAddress}, {@link InviteCode}).
 *
 * <p>JS values map to Java as: {@code false}/{@code undefined}/{@code null} results become {@code false} or an empty
 * Optional; objects become {@link Address}, {@link Invite} and {@link Link}; where ssb-ref throws, an
 * {@link InvalidRefException} carries ssb-ref's message. Functions that return false for anything but a string
 * take a String, and null is treated as a non-string.
 */
public final class SsbRefs {
    private static final String BASE64_CHAR = "[a-zA-Z0-9/+]";
    private static final String LAST_CHAR_OF_32_BYTES = "[AEIMQUYcgkosw048]";

    /** Package-private for the test that the hand-written check agrees with it. */
    static final Pattern FEED_ID = canonical32('@', "(?:sha256|ed25519)");
    private static final Pattern MSG_ID = canonical32('%', "sha256");
    private static final Pattern BLOB_ID = canonical32('&', "sha256");
    private static final Pattern CLOAKED_MSG_ID = canonical32('%', "cloaked");

    private static final Pattern LINK = Pattern.compile(
            "([@%&][A-Za-z0-9/+]{43}=\\.[A-Za-z0-9_]+)(\\?(" + JsStrings.JS_DOT_IN_RUN + "+))?");
    private static final Pattern EMBEDDED_LINK = Pattern.compile("[@%&][A-Za-z0-9/+]{43}=\\.[A-Za-z0-9_]+");
    private static final Pattern LEGACY_INVITE_SEED = Pattern.compile("[A-Za-z0-9/+]{43}=");
    private static final Pattern LEGACY_INVITE_REDIRECT = Pattern.compile("#" + JsStrings.JS_DOT_IN_RUN + "*\\z");
    private static final Pattern SHS_TRANSPORT = Pattern.compile("net|wss?|onion");
    private static final Pattern WEBSOCKET_TRANSPORT = Pattern.compile("wss?");
    private static final String CHANNEL_PUNCTUATION = ",.?!<>()[]\"#";
    private static final int MAX_CHANNEL_LENGTH = 30;
    private static final int DEFAULT_PORT = 8008;
    /** ssb-ref's isPort bound, one past the last real port. */
    private static final int PORT_LIMIT = 65536;
    private static final String UNDEFINED = "undefined";

    private SsbRefs() {
    }

    /**
     * is-canonical-base64(sigil, '.suffix', 32). ssb-ref writes the suffix's '.' unescaped, so it matches any
     * character but a line terminator.
     */
    private static Pattern canonical32(char sigil, String suffixAfterDot) {
        return Pattern.compile(sigil + BASE64_CHAR + "{42}" + LAST_CHAR_OF_32_BYTES + "=" + JsStrings.JS_DOT
                + suffixAfterDot);
    }

    // ---------------------------------------------------------------- sigil ids

    /** {@code @} + canonical base64 of 32 bytes + any character + {@code ed25519} or {@code sha256}. */
    public static boolean isFeed(String data) {
        return data != null && (isPlainEd25519FeedId(data) || FEED_ID.matcher(data).matches());
    }

    /**
     * The form every feed id takes in practice ({@code @}, canonical base64 of 32 bytes, {@code .ed25519}),
     * checked without the regular expression: a message's validation asks this of its author, and the
     * expression cost as much as the rest of the message's shape rules.
     */
    public static boolean isPlainEd25519FeedId(String data) {
        return data.length() == 53 && data.charAt(0) == '@' && isBase64Run(data, 1, 43)
                && SigilCodec.isLastCharOf32Bytes(data.charAt(43)) && data.startsWith("=.ed25519", 44);
    }

    /** Whether {@code text[from, to)} is all characters of {@link #BASE64_CHAR}. */
    private static boolean isBase64Run(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!SigilCodec.isBase64Char(text.charAt(i))) return false;
        }
        return true;
    }

    /** {@code %} + canonical base64 of 32 bytes + any character + {@code sha256}. */
    public static boolean isMsg(String data) {
        return data != null && MSG_ID.matcher(data).matches();
    }

    /** {@code &} + canonical base64 of 32 bytes + any character + {@code sha256}. */
    public static boolean isBlob(String data) {
        return data != null && BLOB_ID.matcher(data).matches();
    }

    /** {@code %} + canonical base64 of 32 bytes + any character + {@code cloaked}. */
    public static boolean isCloakedMsg(String data) {
        return data != null && CLOAKED_MSG_ID.matcher(data).matches();
    }

    /** {@code @} + canonical base64 of any length + {@code .} + a suffix of {@code [a-zA-Z0-9-]}. */
    public static boolean isFeedType(String data) {
        return isTypeId(data, '@');
    }

    public static boolean isMsgType(String data) {
        return isTypeId(data, '%');
    }

    public static boolean isBlobType(String data) {
        return isTypeId(data, '&');
    }

    /** A feed, message or blob id, optionally followed by {@code ?query}. */
    public static boolean isLink(String data) {
        if (data == null) return false;
        int query = data.indexOf('?');
        String ref = query >= 0 ? data.substring(0, query) : data;
        return isFeed(ref) || isMsg(ref) || isBlob(ref);
    }

    public static boolean isMsgLink(String data) {
        return data != null && data.startsWith("%") && isLink(data);
    }

    public static boolean isBlobLink(String data) {
        return data != null && data.startsWith("&") && isLink(data);
    }

    /**
     * A sigil link with an optional query; the link part is checked by shape only (43 base64 characters and '='),
     * not for canonical base64. In {@code unbox} values the '+' that Node's querystring turned into spaces is put
     * back.
     */
    public static Optional<Link> parseLink(String ref) {
        if (ref == null) return Optional.empty();
        Matcher match = LINK.matcher(ref);
        if (!match.matches()) return Optional.empty();
        if (match.group(2) == null) return Optional.of(new Link(match.group(1), null));
        Map<String, List<String>> query = NodeQueryString.parse(match.group(3));
        List<String> unbox = query.get("unbox");
        if (unbox != null && unbox.size() == 1) { // JS fixes it only when it is a string, not an array
            query.put("unbox", List.of(unbox.get(0).replace(' ', '+')));
        }
        return Optional.of(new Link(match.group(1), query));
    }

    /**
     * The first sigil link in the text; when there is none, the first one in its URL-decoded form (the raw text
     * when decoding fails) with {@code &amp;} read as {@code &}.
     */
    public static Optional<String> extract(String data) {
        if (data == null) return Optional.empty();
        Matcher raw = EMBEDDED_LINK.matcher(data);
        if (raw.find()) return Optional.of(raw.group());
        String decoded = JsUri.decodeUriComponent(data).orElse(data).replace("&amp;", "&");
        Matcher inDecoded = EMBEDDED_LINK.matcher(decoded);
        return inDecoded.find() ? Optional.of(inDecoded.group()) : Optional.empty();
    }

    /** Lower case, without whitespace and {@code ,.?!<>()[]"#}, at most 30 UTF-16 units; empty if nothing is left. */
    public static Optional<String> normalizeChannel(String data) {
        if (data == null) return Optional.empty();
        String lower = JsStrings.toLowerCase(data);
        StringBuilder channel = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (!JsStrings.isWhitespace(c) && CHANNEL_PUNCTUATION.indexOf(c) < 0) channel.append(c);
        }
        if (channel.length() == 0) return Optional.empty();
        return Optional.of(channel.length() > MAX_CHANNEL_LENGTH ? channel.substring(0, MAX_CHANNEL_LENGTH)
                : channel.toString());
    }

    /** {@code type(id)}: what the text is, tried in ssb-ref's order; empty where ssb-ref returns false. */
    public static Optional<RefKind> type(String id) {
        if (id == null) return Optional.empty();
        char sigil = id.isEmpty() ? 0 : id.charAt(0);
        if (sigil == '@' && isFeed(id)) return Optional.of(RefKind.FEED);
        if (sigil == '%' && isMsg(id)) return Optional.of(RefKind.MSG);
        if (sigil == '&' && isBlob(id)) return Optional.of(RefKind.BLOB);
        if (isAddress(id)) return Optional.of(RefKind.ADDRESS);
        if (isInvite(id)) return Optional.of(RefKind.INVITE);
        return Optional.empty();
    }

    // ---------------------------------------------------------------- addresses

    /**
     * A multiserver address with a transform ({@code net:host:port~shs:KEY}), a legacy {@code host:port:@KEY}
     * string, or an object with host, port and key: an {@link Address} or a {@code Map} such as parsed JSON.
     */
    public static boolean isAddress(Object data) {
        Object id;
        Object host;
        double port;
        if (data instanceof Address address) {
            id = address.key();
            host = address.host();
            port = address.port();
        } else if (data instanceof Map<?, ?> object) {
            id = object.get("key");
            host = object.get("host");
            port = object.containsKey("port") ? JsNumbers.toNumber(object.get("port")) : Double.NaN;
        } else if (!(data instanceof String text)) {
            return false;
        } else if (isMultiServerAddress(text)) {
            return true;
        } else {
            List<String> parts = JsStrings.split(text, ':');
            id = pop(parts);
            String portText = pop(parts);
            port = portText == null ? Double.NaN : JsNumbers.toNumber(portText);
            host = String.join(":", parts);
        }
        return id instanceof String key && isFeed(key) && isPort(port) && host instanceof String name && isHost(name);
    }

    /**
     * A multiserver address string is returned as is; otherwise ssb-ref's parseAddress of a legacy
     * {@code host:port:key} string: no validation, a missing port becomes 8008 (so "foo" is key "foo" on host "").
     * Empty for a '~' string that is not an address with a transform.
     */
    public static Optional<Address> parseAddress(String text) {
        if (text == null) return Optional.empty();
        if (text.indexOf('~') >= 0) return parseMultiServerAddress(text);
        return Optional.of(parseLegacyAddress(text));
    }

    /** The address in multiserver form; throws with ssb-ref's message when the host, port or key is invalid. */
    public static String toMultiServerAddress(Address address) {
        if (!isPort(address.port())) {
            throw new InvalidRefException("ssb-ref.toMultiServerAddress - invalid port:"
                    + JsNumbers.toJsString(address.port()));
        }
        if (!isHost(address.host())) {
            throw new InvalidRefException("ssb-ref.toMultiServerAddress - invalid host:" + orUndefined(address.host()));
        }
        if (!isFeed(address.key())) {
            throw new InvalidRefException("ssb-ref.toMultiServerAddress - invalid key:" + orUndefined(address.key()));
        }
        String host = address.host();
        String transport = host.startsWith("ws:") || host.startsWith("wss:") ? host
                : host.endsWith(".onion") ? "onion:" + host
                : "net:" + host;
        String key = address.key();
        return transport + ":" + JsNumbers.toJsString(address.port()) + "~shs:"
                + JsStrings.substring(key, 1, key.indexOf('.'));
    }

    /** A string that already is a multiserver address is returned as is; any other string throws, as in ssb-ref. */
    public static String toMultiServerAddress(String address) {
        if (MultiserverGrammar.check(address)) return address;
        throw new InvalidRefException("ssb-ref.toMultiServerAddress - invalid port:undefined");
    }

    /** The {@code @KEY.ed25519} of the first {@code shs…} protocol in a multiserver address. */
    public static Optional<String> getKeyFromAddress(String address) {
        Optional<List<List<Protocol>>> decoded = MultiserverGrammar.decode(address);
        if (decoded.isEmpty()) return Optional.empty();
        for (List<Protocol> protocols : decoded.get()) {
            for (Protocol protocol : protocols) {
                if (protocol.name().startsWith("shs")) {
                    return Optional.of("@" + firstOrUndefined(protocol.data()) + ".ed25519");
                }
            }
        }
        return Optional.empty();
    }

    /** The key of an address object, when it has one. */
    public static Optional<String> getKeyFromAddress(Address address) {
        String key = address.key();
        return key == null || key.isEmpty() ? Optional.empty() : Optional.of(key);
    }

    // ---------------------------------------------------------------- invites

    /** {@code host:port:@KEY~SEED} with an optional {@code #redirect}; the seed is checked by shape only. */
    public static boolean isLegacyInvite(String data) {
        if (data == null) return false;
        String withoutRedirect = LEGACY_INVITE_REDIRECT.matcher(data).replaceFirst("");
        List<String> parts = JsStrings.split(withoutRedirect, '~');
        return parts.size() == 2 && isAddress(parts.get(0)) && LEGACY_INVITE_SEED.matcher(parts.get(1)).matches();
    }

    /** A multiserver address with a transform, optionally followed by {@code #redirect}. */
    public static boolean isMultiServerInvite(String data) {
        return parseMultiServerInvite(data).isPresent();
    }

    public static boolean isInvite(String data) {
        return isLegacyInvite(data) || isMultiServerInvite(data);
    }

    /** A legacy or multiserver invite, converted to multiserver form; empty when it is neither. */
    public static Optional<Invite> parseInvite(String invite) {
        if (isLegacyInvite(invite)) return Optional.of(parseLegacyInvite(invite));
        if (isMultiServerInvite(invite)) return parseMultiServerInvite(invite);
        return Optional.empty();
    }

    /**
     * ssb-ref's parseLegacyInvite, which does not check its input first: a port of 0 or none becomes 8008, an empty
     * host "localhost", and an invalid address throws with ssb-ref's message.
     */
    public static Invite parseLegacyInvite(String invite) {
        if (invite == null) throw new InvalidRefException("invalid legacy invite: null");
        List<String> hashParts = JsStrings.split(invite, '#');
        List<String> parts = JsStrings.split(hashParts.get(0), '~');
        Address address = parseLegacyAddress(parts.get(0));
        double port = address.port() == 0 || Double.isNaN(address.port()) ? DEFAULT_PORT : address.port();
        String host = address.host().isEmpty() ? "localhost" : address.host();
        address = new Address(host, port, address.key());
        String remote = toMultiServerAddress(address);
        String seed = parts.size() > 1 ? parts.get(1) : UNDEFINED;
        return new Invite(remote + ":" + seed, remote, address.key(), redirect(hashParts));
    }

    /** ssb-ref's parseMultiServerInvite: the part before the first '#' must be a multiserver address with shs. */
    public static Optional<Invite> parseMultiServerInvite(String invite) {
        if (invite == null) return Optional.empty();
        List<String> hashParts = JsStrings.split(invite, '#');
        String code = hashParts.get(0);
        Optional<Address> address = parseMultiServerAddress(code);
        if (address.isEmpty()) return Optional.empty();
        Address withoutSeed = new Address(address.get().host(), address.get().port(), address.get().key());
        return Optional.of(new Invite(code, toMultiServerAddress(withoutSeed), withoutSeed.key(), redirect(hashParts)));
    }

    // ---------------------------------------------------------------- helpers with ssb-ref's exact rules

    /** Host, port and key of the first {@code net|ws|wss|onion} + {@code shs…} address; ssb-ref's toLegacyAddress. */
    static Optional<Address> parseMultiServerAddress(String data) {
        Optional<List<List<Protocol>>> decoded = MultiserverGrammar.decode(data);
        if (decoded.isEmpty()) return Optional.empty();
        List<Protocol> chosen = null;
        for (List<Protocol> protocols : decoded.get()) {
            if (protocols.size() >= 2 && SHS_TRANSPORT.matcher(protocols.get(0).name()).matches()
                    && protocols.get(1).name().startsWith("shs")) {
                chosen = protocols;
                break;
            }
        }
        if (chosen == null) return Optional.empty();

        Protocol transport = chosen.get(0);
        List<String> hostAndPort = new ArrayList<>(transport.data());
        String portText = pop(hostAndPort); // the last field is the port, so that IPv6 hosts keep their colons
        double port = portText == null ? Double.NaN : JsNumbers.toNumber(portText);
        String host = (WEBSOCKET_TRANSPORT.matcher(transport.name()).matches() ? transport.name() + ":" : "")
                + String.join(":", hostAndPort);
        List<String> shs = chosen.get(1).data();
        String key = "@" + firstOrUndefined(shs) + ".ed25519";
        String seed = shs.size() > 2 ? shs.get(2) : null; // sic: ssb-ref reads data[2], the field after the seed
        if (!(isHost(host) && isPort(port) && isFeed(key))) return Optional.empty();
        return Optional.of(new Address(host, port, key, seed == null || seed.isEmpty() ? null : seed));
    }

    /** isHost: after an optional ws:// or wss://, an IPv4 or IPv6 format, a domain, or "localhost". */
    static boolean isHost(String address) {
        if (address == null) return false;
        String host = address;
        if (host.startsWith("ws://")) host = host.substring("ws://".length());
        else if (host.startsWith("wss://")) host = host.substring("wss://".length());
        return HostFormats.isV4Format(host) || HostFormats.isV6Format(host) || HostFormats.isValidDomain(host)
                || host.equals("localhost");
    }

    /** isPort: any integer up to 65536, negative ones included. */
    static boolean isPort(double port) {
        return JsNumbers.isInteger(port) && port <= PORT_LIMIT;
    }

    /** A check that passes the grammar and has an unescaped '~', i.e. a transport and a transform. */
    static boolean isMultiServerAddress(String text) {
        if (!MultiserverGrammar.check(text)) return false;
        for (int at = text.indexOf('~', 1); at >= 0; at = text.indexOf('~', at + 1)) {
            if (text.charAt(at - 1) != '!') return true; // /[^!][~]/: even "!!~" counts as escaped
        }
        return false;
    }

    private static Address parseLegacyAddress(String text) {
        List<String> parts = JsStrings.split(text, ':');
        String key = pop(parts);
        String portText = pop(parts);
        double port = portText == null || portText.isEmpty() ? DEFAULT_PORT : JsNumbers.toNumber(portText);
        return new Address(String.join(":", parts), port, key);
    }

    private static boolean isTypeId(String data, char sigil) {
        if (data == null || data.isEmpty() || data.charAt(0) != sigil) return false;
        // The base64 part cannot hold a '.' and the suffix holds exactly one, at its start.
        int dot = data.indexOf('.', 1);
        return dot >= 0 && isCanonicalBase64(data, 1, dot) && isTypeSuffix(data, dot + 1);
    }

    /** is-canonical-base64 without a length: whole groups of four, the last one possibly padded canonically. */
    public static boolean isCanonicalBase64(String text, int from, int to) {
        int length = to - from;
        if (length % 4 != 0) return false;
        for (int i = from; i < to - 4; i++) {
            if (!SigilCodec.isBase64Char(text.charAt(i))) return false;
        }
        if (length == 0) return true;
        char a = text.charAt(to - 4);
        char b = text.charAt(to - 3);
        char c = text.charAt(to - 2);
        char d = text.charAt(to - 1);
        if (!SigilCodec.isBase64Char(a)) return false;
        boolean unpadded = SigilCodec.isBase64Char(b) && SigilCodec.isBase64Char(c) && SigilCodec.isBase64Char(d);
        boolean oneByte = "AQgw".indexOf(b) >= 0 && c == '=' && d == '=';
        boolean twoBytes = SigilCodec.isBase64Char(b) && SigilCodec.isLastCharOf32Bytes(c) && d == '=';
        return unpadded || oneByte || twoBytes;
    }

    private static boolean isTypeSuffix(String text, int from) {
        if (from >= text.length()) return false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!allowed) return false;
        }
        return true;
    }

    /** "#" and everything after the first '#', or null when there is none. */
    private static String redirect(List<String> hashParts) {
        return hashParts.size() > 1 ? "#" + String.join("#", hashParts.subList(1, hashParts.size())) : null;
    }

    /** {@code Array.prototype.pop}: removes and returns the last element, or null (JS undefined) when empty. */
    private static String pop(List<String> parts) {
        return parts.isEmpty() ? null : parts.remove(parts.size() - 1);
    }

    private static String firstOrUndefined(List<String> data) {
        return data.isEmpty() ? UNDEFINED : data.get(0);
    }

    private static String orUndefined(String value) {
        return value == null ? UNDEFINED : value;
    }
}
