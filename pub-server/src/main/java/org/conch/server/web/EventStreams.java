package org.conch.server.web;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open Server-Sent Event streams of one route: each written on its own event loop, kept alive by a
 * comment now and then, and closed when it falls behind (its EventSource reconnects and the client reloads)
 * rather than buffered without bound.
 */
final class EventStreams {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    /** A comment line this often keeps proxies and browsers from closing an idle stream. */
    static final long KEEP_ALIVE_MS = 25_000;

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final String greeting;

    private record Stream(HttpServerResponse response, Context context) {
    }

    /** @param name what the first comment of each stream says */
    EventStreams(String name) {
        this.greeting = ": " + name + "\n\n";
    }

    boolean isEmpty() {
        return streams.isEmpty();
    }

    /** Answers the request with an event stream that gets every frame {@link #send} sends from now on. */
    void open(RoutingContext context) {
        HttpServerResponse response = context.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        // The first comment sends the headers, so that the browser's EventSource reports "open" at once.
        response.write(greeting);
        Stream stream = new Stream(response, context.vertx().getOrCreateContext());
        streams.add(stream);
        long timer = context.vertx().setPeriodic(KEEP_ALIVE_MS, id -> {
            if (!response.ended()) response.write(": keep-alive\n\n");
        });
        response.closeHandler(closed -> {
            streams.remove(stream);
            context.vertx().cancelTimer(timer);
        });
    }

    /** Writes {@code frame} (a whole event, ending with a blank line) to every open stream. */
    void send(String frame) {
        for (Stream stream : streams) {
            stream.context().runOnContext(v -> write(stream, frame));
        }
    }

    private void write(Stream stream, String frame) {
        HttpServerResponse response = stream.response();
        if (response.ended() || response.closed()) {
            streams.remove(stream);
            return;
        }
        if (response.writeQueueFull()) {
            LOG.info("an event stream fell behind; closing it so that the client reconnects and reloads");
            streams.remove(stream);
            response.reset();
            return;
        }
        response.write(frame);
    }
}
