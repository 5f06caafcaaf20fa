package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.server.api.ApiContract;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a verb reaches the {@code conch serve} that owns its data directory (which holds the store's lock):
 * over the loopback HTTP API, with the token from the data directory. Found through {@code DATA/server.json},
 * which the server writes when it starts and deletes when it stops; a file left by a killed server is ignored.
 */
public final class ServerClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    /** Tries after a 429 before the verb fails with the server's message. */
    private static final int RATE_LIMITED_RETRIES = 3;

    private final URI base;
    private final String token;
    private final HttpClient http;

    private ServerClient(URI base, String token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** The running server of {@code data}, if one is running. */
    public static Optional<ServerClient> find(DataDirectory data) {
        if (!Files.exists(data.serverFile())) return Optional.empty();
        Map<?, ?> about;
        try {
            about = (Map<?, ?>) Json.parse(Files.readString(data.serverFile()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // being written or damaged: as if no server
        }
        long pid = ((Double) about.get("pid")).longValue();
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) return Optional.empty();
        int port = ((Double) about.get("httpPort")).intValue();
        if (port == -1) {
            throw new CliException("a conch server (pid " + pid + ") is running for " + data.root()
                    + " with HTTP turned off, and it holds the store: stop it, or run it with an --http-port", ExitCodes.FAILED);
        }
        String host = String.valueOf(about.get("httpHost"));
        if (host.equals("0.0.0.0") || host.equals("::")) host = "127.0.0.1";
        if (host.contains(":")) host = "[" + host + "]";
        return Optional.of(new ServerClient(URI.create("http://" + host + ":" + port), data.apiToken()));
    }

    /** GET {@code path}: the reply parsed as JSON. */
    public Object get(String path) {
        return Json.parse(send(HttpRequest.newBuilder(base.resolve(path)).GET()));
    }

    /** GET {@code path}: the reply as text (JSON lines). */
    public String getText(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** POST {@code body} (the JSON model) to {@code path}: the reply parsed as JSON. */
    public Object post(String path, Object body) {
        return Json.parse(send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CanonicalJson.compact(body)))));
    }

    /** POST raw {@code bytes} to {@code path}: the reply parsed as JSON. */
    public Object postBytes(String path, byte[] bytes) {
        return Json.parse(send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))));
    }

    /** GET {@code path} as bytes; empty on 404. */
    public Optional<byte[]> getBytes(String path) {
        HttpResponse<byte[]> response = exchange(HttpRequest.newBuilder(base.resolve(path)).GET(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) return Optional.empty();
        if (response.statusCode() / 100 != 2) throw failure(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        return Optional.of(response.body());
    }

    /** DELETE {@code path}: the reply parsed as JSON. */
    public Object delete(String path) {
        return Json.parse(send(HttpRequest.newBuilder(base.resolve(path)).DELETE()));
    }

    private String send(HttpRequest.Builder request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) throw failure(response.body());
        return response.body();
    }

    /**
     * Sends the request; when the server answers 429 (http-max-requests-per-second), waits as its
     * Retry-After says and tries again, a few times, so a script of many verbs slows down rather than fails.
     */
    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        HttpRequest built = request.header(ApiContract.TOKEN_HEADER, token).timeout(REQUEST_TIMEOUT).build();
        try {
            HttpResponse<T> response = http.send(built, handler);
            for (int retry = 0; response.statusCode() == 429 && retry < RATE_LIMITED_RETRIES; retry++) {
                Thread.sleep(retryAfterMillis(response));
                response = http.send(built, handler);
            }
            return response;
        } catch (IOException e) {
            throw new CliException("cannot reach the running conch server at " + base + ": " + e.getMessage(), ExitCodes.FAILED, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the conch server", ExitCodes.FAILED, e);
        }
    }

    /** The Retry-After of a 429, in milliseconds: whole seconds as the server sends them, at most ten. */
    private static long retryAfterMillis(HttpResponse<?> response) {
        long seconds = 1;
        try {
            seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("1").strip());
        } catch (NumberFormatException e) {
            // an HTTP date or nonsense: one second
        }
        return Math.min(Math.max(seconds, 1), 10) * 1000;
    }

    /** The server's {"error": …} text (or the body as it is) as a CLI failure. */
    private static CliException failure(String body) {
        String text = body;
        try {
            if (Json.parse(text) instanceof Map<?, ?> error && error.get("error") instanceof String message) text = message;
        } catch (RuntimeException e) {
            // not JSON: show the body as it is
        }
        return new CliException(text, ExitCodes.FAILED);
    }
}
