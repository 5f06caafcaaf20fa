package org.conch.feed.ref;

/**
 * The strict host and port rules of {@link MultiserverAddress} and {@link InviteCode}: what conch is willing to
 * dial. Unlike ssb-ref's loose format checks, an IPv4 address must have octets up to 255, an IPv6 address eight
 * groups (or "::"), and a name DNS labels.
 */
final class DialableHost {
    static final int MIN_PORT = 1;
    static final int MAX_PORT = 65535;
    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;
    private static final int IPV6_GROUPS = 8;

    private DialableHost() {
    }

    /** Why {@code host} cannot be dialled, or null when it can. */
    static String hostProblem(String host) {
        if (host == null || host.isEmpty()) return "host is empty";
        if (host.indexOf(':') >= 0) {
            return isIpv6(host) ? null : "host " + InvalidRefException.quote(host) + " is not an IPv6 address";
        }
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return isIpv4(host) ? null : "host " + InvalidRefException.quote(host) + " is not an IPv4 address";
        }
        return isHostName(host) ? null : "host " + InvalidRefException.quote(host) + " is not a valid host name";
    }

    /** Why {@code port} is out of range, or null. */
    static String portProblem(int port) {
        return port >= MIN_PORT && port <= MAX_PORT ? null
                : "port out of range: " + port + " (must be " + MIN_PORT + "-" + MAX_PORT + ")";
    }

    /** The port written in decimal digits, or an exception naming {@code what} and {@code input}. */
    static int parsePort(String text, String what, String input) {
        if (text.isEmpty()) throw InvalidRefException.of(what, input, "port is missing");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw InvalidRefException.of(what, input, "port is not a number: " + InvalidRefException.quote(text));
            }
        }
        String digits = text.replaceFirst("^0+(?=.)", ""); // leading zeros cannot overflow anything
        int port = digits.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (port < MIN_PORT || port > MAX_PORT) {
            throw InvalidRefException.of(what, input, "port out of range: " + text
                    + " (must be " + MIN_PORT + "-" + MAX_PORT + ")");
        }
        return port;
    }

    private static boolean isIpv4(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4) return false;
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || Integer.parseInt(octet) > 255) return false;
        }
        return true;
    }

    private static boolean isIpv6(String host) {
        int gap = host.indexOf("::");
        if (gap >= 0 && host.indexOf("::", gap + 1) >= 0) return false; // one "::" at most
        int groups;
        if (gap < 0) {
            groups = countGroups(host, true);
            return groups == IPV6_GROUPS;
        }
        int before = countGroups(host.substring(0, gap), false);
        int after = countGroups(host.substring(gap + 2), true);
        return before >= 0 && after >= 0 && before + after < IPV6_GROUPS;
    }

    /** Groups of 1-4 hex digits separated by ':' (an IPv4 tail counts two), or -1 if malformed. */
    private static int countGroups(String part, boolean mayEndInIpv4) {
        if (part.isEmpty()) return 0;
        String[] groups = part.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            boolean last = i == groups.length - 1;
            if (last && mayEndInIpv4 && group.indexOf('.') >= 0) {
                if (!group.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')) || !isIpv4(group)) return -1;
                count += 2;
            } else if (group.isEmpty() || group.length() > 4 || !group.chars().allMatch(c -> JsUri.hexDigit(c) >= 0)) {
                return -1;
            } else {
                count++;
            }
        }
        return count;
    }

    private static boolean isHostName(String host) {
        if (host.length() > MAX_NAME_LENGTH) return false;
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) return false;
            if (label.startsWith("-") || label.endsWith("-")) return false;
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_';
                if (!allowed) return false;
            }
        }
        return true;
    }
}
