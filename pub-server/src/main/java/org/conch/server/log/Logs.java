package org.conch.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * conch's logging: logback, configured in code, with one appender on stderr (stdout carries the verbs'
 * output) writing {@link LogFormat#TEXT} or {@link LogFormat#JSON} lines. Until a verb calls
 * {@link #configure(LogFormat, LogLevel)}, {@link StartupConfigurator} makes it text at WARN.
 *
 * <p>The level is that of conch's own loggers ({@code org.conch.*}). Libraries (Vert.x, Netty, H2,
 * Flyway) log one step less: warnings at {@code info} (Flyway's lines at every start are not conch's
 * events), their info lines at {@code debug} (their debug lines are their internals).
 *
 * <p>Events carry key-value pairs (slf4j's fluent API) for what they concern, under the keys that
 * {@link org.conch.gossip.LogEvents} lists.
 */
public final class Logs {
    /** Whose level is the setting's; the libraries' is one step less verbose. */
    static final String CONCH_LOGGERS = "org.conch";
    private static final String APPENDER_NAME = "stderr";
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Logs() {
    }

    /** From now on, every log line goes to stderr in {@code format}, at {@code level} and above. */
    public static void configure(LogFormat format, LogLevel level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            configure(context, format, level, ConsoleTarget.SystemErr.getStream());
        }
    }

    /** The same for any logger context and stream (tests write into a buffer). */
    static void configure(LoggerContext context, LogFormat format, LogLevel level, OutputStream out) {
        LayoutBase<ILoggingEvent> layout = format == LogFormat.JSON ? new JsonLayout() : new TextLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setLayout(layout);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER_NAME);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> previous = root.getAppender(APPENDER_NAME);
        root.addAppender(appender); // the new one first, so that no event falls between the two
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop(); // closes its stream: stderr's wrapper does not pass the close on
        }
        root.setLevel(switch (level) {
            case DEBUG -> Level.INFO;
            case INFO, WARN -> Level.WARN;
            case ERROR -> Level.ERROR;
        });
        context.getLogger(CONCH_LOGGERS).setLevel(Level.toLevel(level.name()));
    }

    /** {@code 2026-11-22T10:15:30.123Z}: UTC, always with milliseconds. */
    static String timestamp(ILoggingEvent event) {
        return TIMESTAMP.format(event.getInstant());
    }

    /** The exception's class and message, its stack and its causes, as Java prints them (lines end in \n). */
    static String stack(IThrowableProxy thrown) {
        return ThrowableProxyUtil.asString(thrown);
    }
}
