package org.conch.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import org.slf4j.event.KeyValuePair;

import java.util.List;

/**
 * {@link LogFormat#TEXT}: one line per event,
 * <pre>2026-11-22T10:15:30.123Z WARN  PeerReplication peer="@Ab…=.ed25519" feed="@Cd…=.ed25519" seq=3 reason="signature does not verify" peer @Ab…</pre>
 * the UTC timestamp, the level (padded to five), the logger's class name, the event's key-value pairs in
 * logfmt ({@code key=value}, quoted with {@code \"} and {@code \\} escapes when the value is empty or
 * has a space, {@code "} or {@code =}, as every id has), then the message. Control characters in values
 * and message are escaped ({@code \n}), so what a peer sent can never start a line of its own. An
 * exception follows on the next lines, each beginning with a tab.
 */
final class TextLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256);
        line.append(Logs.timestamp(event)).append(' ');
        String level = event.getLevel().toString();
        line.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(' ');
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                line.append(pair.key).append('=');
                appendValue(line, String.valueOf(pair.value));
                line.append(' ');
            }
        }
        appendEscaped(line, event.getFormattedMessage(), false);
        line.append('\n');
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            String stack = Logs.stack(thrown).stripTrailing();
            line.append('\t').append(stack.replace("\n", "\n\t")).append('\n');
        }
        return line.toString();
    }

    /** A logfmt value: bare when it can be, else quoted. */
    static void appendValue(StringBuilder out, String value) {
        boolean bare = !value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=' || c == 0x7f);
        if (bare) {
            out.append(value);
        } else {
            out.append('"');
            appendEscaped(out, value, true);
            out.append('"');
        }
    }

    private static void appendEscaped(StringBuilder out, String text, boolean quoted) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"', '\\' -> out.append(quoted ? "\\" : "").append(c);
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
