package org.conch.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.event.KeyValuePair;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * {@link LogFormat#JSON}: one object per line,
 * <pre>{"timestamp":"2026-11-22T10:15:30.123Z","level":"WARN","logger":"org.conch.gossip.replication.PeerReplication",
 * "thread":"vert.x-eventloop-thread-1","message":"peer @Ab… sent …","peer":"@Ab…","feed":"@Cd…","seq":3,"reason":"…"}</pre>
 * with each key-value pair of the event as a field of its own (numbers and booleans as such, anything else
 * as a string; a key that is one of the fixed fields gets a {@code _} in front), and, when the event has
 * one, {@code "exception":{"class","message","stack"}} (the stack as Java prints it, causes included).
 */
final class JsonLayout extends LayoutBase<ILoggingEvent> {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Set<String> FIXED = Set.of("timestamp", "level", "logger", "thread", "message", "exception");

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("timestamp", Logs.timestamp(event));
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("message", event.getFormattedMessage());
            List<KeyValuePair> pairs = event.getKeyValuePairs();
            if (pairs != null) {
                for (KeyValuePair pair : pairs) {
                    json.writeFieldName(FIXED.contains(pair.key) ? "_" + pair.key : pair.key);
                    writeValue(json, pair.value);
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeObjectFieldStart("exception");
                json.writeStringField("class", thrown.getClassName());
                json.writeStringField("message", thrown.getMessage());
                json.writeStringField("stack", Logs.stack(thrown));
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return line.append('\n').toString();
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            json.writeNumber(((Number) value).doubleValue());
        } else {
            json.writeString(value.toString());
        }
    }
}
