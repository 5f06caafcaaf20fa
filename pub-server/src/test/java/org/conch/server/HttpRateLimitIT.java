package org.conch.server;

import org.conch.feed.json.Json;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.conch.server.config.DataDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** http-max-requests-per-second over real HTTP: a burst over the limit gets 429, and after waiting requests pass again. */
class HttpRateLimitIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    private static final int PER_SECOND = 5;

    @TempDir
    Path data;

    private ConchServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String base;

    @BeforeEach
    void start() throws Exception {
        InProcessConch.initialise(data);
        server = loops.start(InProcessConch.localConfig(data, "http-max-requests-per-second", String.valueOf(PER_SECOND)),
                new DataDirectory(data));
        base = "http://127.0.0.1:" + server.httpPort();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void aBurstOverTheLimitGets429WithRetryAfterAndWaitingLetsRequestsThroughAgain() throws Exception {
        List<HttpResponse<String>> burst = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 10 * PER_SECOND; i++) burst.add(get("/api/whoami"));
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;

        assertThat(burst.subList(0, PER_SECOND)).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
        long passed = burst.stream().filter(response -> response.statusCode() == 200).count();
        assertThat(passed).as("the burst, plus what refilled in %.2f s", elapsedSeconds)
                .isLessThanOrEqualTo(PER_SECOND + (long) Math.ceil(elapsedSeconds * PER_SECOND));
        HttpResponse<String> refused = burst.stream().filter(response -> response.statusCode() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no request of the burst was refused in " + elapsedSeconds + " s"));
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(Json.parseObject(refused.body()).get("error")).asString()
                .startsWith("too many requests: at most 5 a second from one address (http-max-requests-per-second)");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).as("a token is back within 1/5 s, rounded up").isEqualTo(1);

        assertThat(get("/health").statusCode()).as("health is not limited").isEqualTo(200);
        assertThat(get("/").statusCode()).as("the web client's files are not limited").isEqualTo(200);

        // Retry-After is when a token is back for sure: wait that long, as a client should
        TimeUnit.SECONDS.sleep(retryAfter);
        assertThat(get("/api/whoami").statusCode()).isEqualTo(200);
    }

    @Test
    void cliVerbsThroughALimitedServerWaitAsTold() throws Exception {
        for (int i = 0; i < 2 * PER_SECOND; i++) get("/api/whoami");
        assertThat(get("/api/whoami").statusCode()).as("the bucket is empty").isEqualTo(429);

        // twice the limit's burst, back to back: without waiting as told, some would fail with 429
        for (int i = 0; i < 2 * PER_SECOND; i++) {
            InProcessConch.Run status = InProcessConch.conch(data, "status", "--json");
            assertThat(status.exit()).as("status %d: %s", i, status.err()).isZero();
            assertThat(Json.parseObject(status.out().strip())).containsEntry("running", true);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
