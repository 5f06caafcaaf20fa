package org.conch.feed.ref;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.conch.feed.FeedId;
import org.conch.feed.ref.MultiserverGrammar.Protocol;

/**
 * An address conch can dial: TCP to {@code host:port}, then secret handshake with the peer whose long-term key is
 * {@code key}. Written {@code net:HOST:PORT~shs:KEY} (KEY is the bare base64 of the ed25519 key). An IPv6 host keeps
 * its colons unescaped, as ssb-ref writes it: the last field of {@code net:} is the port.
 */
public record MultiserverAddress(String host, int port, FeedId key) {
    private static final String WHAT = "multiserver address";
    private static final String EXPECTED_FORM = "net:HOST:PORT~shs:KEY";

    public MultiserverAddress {
        String problem = problem(host, port, key);
        if (problem != null) throw new InvalidRefException("invalid " + WHAT + ": " + problem);
    }

    /**
     * Parses {@code net:HOST:PORT~shs:KEY}. A multi-address text ({@code a;b}) is searched for its first
     * {@code net~shs} address, so addresses that also list ws: or onion: parse; other transports alone are refused.
     */
    public static MultiserverAddress parse(String text) {
        if (text == null) throw new InvalidRefException("invalid " + WHAT + ": null");
        List<List<Protocol>> addresses = MultiserverGrammar.decode(text).orElseThrow(() ->
                InvalidRefException.of(WHAT, text, "not multiserver address syntax (expected " + EXPECTED_FORM + ")"));
        List<Protocol> netShs = netShsAddress(addresses).orElseThrow(() ->
                InvalidRefException.of(WHAT, text, whyNoNetShs(addresses)));
        List<String> shs = netShs.get(1).data();
        if (shs.size() > 1) {
            throw InvalidRefException.of(WHAT, text, "shs has more than a key (an invite seed?): use InviteCode");
        }
        return fromNetShs(netShs, WHAT, text);
    }

    /** Like {@link #parse} but empty instead of throwing (also for null). */
    public static Optional<MultiserverAddress> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (InvalidRefException e) {
            return Optional.empty();
        }
    }

    /** {@code net:HOST:PORT~shs:KEY}. */
    @Override
    public String toString() {
        return "net:" + host + ":" + port + "~shs:" + key.base64();
    }

    /** {@code HOST:PORT} of this address, as logs name it. */
    public String hostPort() {
        return hostPort(host, port);
    }

    /** {@code HOST:PORT}, an IPv6 host in brackets: {@code [::1]:8008}. */
    public static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The first address made of exactly a {@code net} transport and an {@code shs} transform. */
    static Optional<List<Protocol>> netShsAddress(List<List<Protocol>> addresses) {
        for (List<Protocol> address : addresses) {
            if (address.size() == 2 && address.get(0).name().equals("net") && address.get(1).name().equals("shs")) {
                return Optional.of(address);
            }
        }
        return Optional.empty();
    }

    /** Why none of the addresses is {@code net~shs}, in the terms of the first one. */
    static String whyNoNetShs(List<List<Protocol>> addresses) {
        List<Protocol> first = addresses.get(0);
        if (first.size() < 2) return "has no ~shs:KEY part (expected " + EXPECTED_FORM + ")";
        if (!first.get(1).name().equals("shs")) {
            return "unsupported transform " + InvalidRefException.quote(first.get(1).name()) + " (expected shs)";
        }
        if (!first.get(0).name().equals("net")) {
            return "unsupported transport " + InvalidRefException.quote(first.get(0).name()) + " (conch dials net:)";
        }
        return "has more than net and shs (expected " + EXPECTED_FORM + ")";
    }

    /** Host, port and key of a {@code net~shs} address; errors name {@code what} and {@code input}. */
    static MultiserverAddress fromNetShs(List<Protocol> netShs, String what, String input) {
        List<String> hostAndPort = new ArrayList<>(netShs.get(0).data());
        if (hostAndPort.size() < 2) throw InvalidRefException.of(what, input, "net needs a host and a port");
        int port = DialableHost.parsePort(hostAndPort.remove(hostAndPort.size() - 1), what, input);
        String host = String.join(":", hostAndPort);
        String hostProblem = DialableHost.hostProblem(host);
        if (hostProblem != null) throw InvalidRefException.of(what, input, hostProblem);

        List<String> shs = netShs.get(1).data();
        if (shs.isEmpty() || shs.get(0).isEmpty()) throw InvalidRefException.of(what, input, "shs has no key");
        String keyProblem = SigilCodec.canonicalBase64Problem(shs.get(0));
        if (keyProblem != null) throw InvalidRefException.of(what, input, "shs key: " + keyProblem);
        return new MultiserverAddress(host, port, FeedId.parse(FeedId.SIGIL + shs.get(0) + FeedId.SUFFIX));
    }

    private static String problem(String host, int port, FeedId key) {
        String hostProblem = DialableHost.hostProblem(host);
        if (hostProblem != null) return hostProblem;
        String portProblem = DialableHost.portProblem(port);
        if (portProblem != null) return portProblem;
        return key == null ? "key is missing" : null;
    }
}
