package org.conch.feed.ref;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The multiserver address grammar of the npm package multiserver-address 1.0.1:
 * <pre>
 * multiaddress = address (";" address)*
 * address      = protocol ("~" protocol)*
 * protocol     = name (":" data)*
 * name         = [a-z] [a-z0-9-]+
 * data         = (["-9] | [&lt;-}] | "!" [!~:;])*     "!" escapes the four separators
 * </pre>
 * The grammar is unambiguous, so one greedy left-to-right pass finds the only parse; written by hand rather than
 * as a regex so that long inputs cannot exhaust the stack.
 */
public final class MultiserverGrammar {
    /** One protocol of an address, such as {@code net:host:8008}: its name and its unescaped data fields. */
    public record Protocol(String name, List<String> data) {
        public Protocol {
            data = List.copyOf(data);
        }
    }

    private MultiserverGrammar() {
    }

    /** {@code check}: whether the whole text is a multiserver address. */
    public static boolean check(String text) {
        return text != null && decode(text).isPresent();
    }

    /** {@code decode}: the addresses, each a list of protocols; empty where the JS version throws. */
    public static Optional<List<List<Protocol>>> decode(String text) {
        if (text == null) return Optional.empty();
        Parser parser = new Parser(text);
        List<List<Protocol>> addresses = new ArrayList<>();
        do {
            List<Protocol> address = new ArrayList<>();
            do {
                Protocol protocol = parser.protocol();
                if (protocol == null) return Optional.empty();
                address.add(protocol);
            } while (parser.skip('~'));
            addresses.add(List.copyOf(address));
        } while (parser.skip(';'));
        return parser.atEnd() ? Optional.of(List.copyOf(addresses)) : Optional.empty();
    }

    /** {@code encode}: the inverse of decode, escaping the separators inside data. */
    public static String encode(List<List<Protocol>> addresses) {
        StringBuilder out = new StringBuilder();
        for (int a = 0; a < addresses.size(); a++) {
            if (a > 0) out.append(';');
            List<Protocol> address = addresses.get(a);
            for (int p = 0; p < address.size(); p++) {
                if (p > 0) out.append('~');
                Protocol protocol = address.get(p);
                out.append(protocol.name());
                for (String field : protocol.data()) out.append(':').append(escape(field));
            }
        }
        return out.toString();
    }

    /** Escapes the characters that separate fields, protocols and addresses. */
    public static String escape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (isEscapable(c)) out.append('!');
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isEscapable(char c) {
        return c == '!' || c == '~' || c == ':' || c == ';';
    }

    private static boolean isPlainDataChar(char c) {
        return (c >= '"' && c <= '9') || (c >= '<' && c <= '}');
    }

    private static boolean isNameStart(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return position == text.length();
        }

        boolean skip(char separator) {
            if (position < text.length() && text.charAt(position) == separator) {
                position++;
                return true;
            }
            return false;
        }

        /** A protocol at the current position, or null when there is none. */
        Protocol protocol() {
            int start = position;
            if (position >= text.length() || !isNameStart(text.charAt(position))) return null;
            position++;
            while (position < text.length() && isNameChar(text.charAt(position))) position++;
            if (position - start < 2) return null; // a name has at least two characters
            String name = text.substring(start, position);
            List<String> data = new ArrayList<>();
            while (skip(':')) data.add(dataField());
            return new Protocol(name, data);
        }

        private String dataField() {
            StringBuilder field = new StringBuilder();
            while (position < text.length()) {
                char c = text.charAt(position);
                if (isPlainDataChar(c)) {
                    field.append(c);
                    position++;
                } else if (c == '!' && position + 1 < text.length() && isEscapable(text.charAt(position + 1))) {
                    field.append(text.charAt(position + 1));
                    position += 2;
                } else {
                    break; // a separator, or a character that makes the whole text invalid
                }
            }
            return field.toString();
        }
    }
}
