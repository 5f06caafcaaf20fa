package org.conch.server.web;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The {@code data:} lines of a Server-Sent Events body, read on a thread of their own as they come. */
final class EventFrames {
    private EventFrames() {
    }

    static BlockingQueue<String> of(InputStream body) {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data: ")) frames.add(line.substring(6));
                }
            } catch (Exception e) {
                // closed at the end of the test
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return frames;
    }
}
