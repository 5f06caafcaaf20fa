package org.conch.server.web;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.server.ConchServer;
import org.conch.server.http.HttpApi;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The API tests' client of a running conch: reads that must answer 200 with JSON, status codes, and writes with the local token. */
final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final Path data;

    /** @param data the server's data directory, where its API token is */
    ApiClient(ConchServer server, Path data) {
        this.base = "http://127.0.0.1:" + server.httpPort();
        this.data = data;
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    String base() {
        return base;
    }

    HttpClient http() {
        return http;
    }

    Map<String, Object> get(String path) throws Exception {
        return json(path, null);
    }

    /** A read that needs the local token (the private API): must answer 200 with JSON. */
    Map<String, Object> getWithToken(String path) throws Exception {
        return json(path, token());
    }

    private Map<String, Object> json(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) request.header(HttpApi.TOKEN_HEADER, token);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return Json.parseObject(response.body());
    }

    /** The body of a GET whatever its status, for checks on what a page leaves out. */
    String body(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    int status(String path) throws Exception {
        return status(path, null);
    }

    /** A GET's status; {@code token} may be null (none) or wrong, to test the refusals. */
    int status(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) request.header(HttpApi.TOKEN_HEADER, token);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Opens an event stream (200, text/event-stream) and collects its data lines; the stream closes with the server. */
    BlockingQueue<String> events(String path) throws Exception {
        HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(events.statusCode()).as("GET %s", path).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        return EventFrames.of(events.body());
    }

    /** A JSON POST; {@code token} may be null (none) or wrong, to test the refusals. */
    HttpResponse<String> post(String path, Map<String, Object> body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CanonicalJson.compact(body)));
        if (token != null) request.header(HttpApi.TOKEN_HEADER, token);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON POST with the local token. */
    HttpResponse<String> postWithToken(String path, Map<String, Object> body) throws Exception {
        return post(path, body, token());
    }

    /** Publishes as the local identity through {@code /api/publish}; answers the new message's key. */
    String publish(Map<String, Object> content) throws Exception {
        HttpResponse<String> response = postWithToken("/api/publish", Map.of("content", content));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) Json.parseObject(response.body()).get("key");
    }

    String token() throws Exception {
        return Files.readString(data.resolve("api-token")).strip();
    }

    static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
