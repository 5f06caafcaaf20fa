package org.conch.server.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Host check that stops DNS rebinding: a page on evil.example resolving to 127.0.0.1 still says Host: evil.example. */
class HttpApiHostCheckTest {
    @Test
    void aServerOnLoopbackAnswersToLoopbackNamesOnItsPortOnly() {
        assertThat(HttpApi.acceptedHost("127.0.0.1:8807", "127.0.0.1", 8807)).isTrue();
        assertThat(HttpApi.acceptedHost("localhost:8807", "127.0.0.1", 8807)).isTrue();
        assertThat(HttpApi.acceptedHost("LOCALHOST:8807", "127.0.0.1", 8807)).isTrue();
        assertThat(HttpApi.acceptedHost("[::1]:8807", "127.0.0.1", 8807)).isTrue();
        assertThat(HttpApi.acceptedHost("localhost:8808", "127.0.0.1", 8807)).isFalse();
        assertThat(HttpApi.acceptedHost("localhost", "127.0.0.1", 8807)).isFalse();
        assertThat(HttpApi.acceptedHost("evil.example:8807", "127.0.0.1", 8807)).isFalse();
        assertThat(HttpApi.acceptedHost("127.0.0.1.evil.example:8807", "127.0.0.1", 8807)).isFalse();
        assertThat(HttpApi.acceptedHost("localhost:notaport", "127.0.0.1", 8807)).isFalse();
        assertThat(HttpApi.acceptedHost(null, "127.0.0.1", 8807)).isFalse();
    }

    @Test
    void thePortMayBeLeftOutOnlyForPort80() {
        assertThat(HttpApi.acceptedHost("localhost", "127.0.0.1", 80)).isTrue();
        assertThat(HttpApi.acceptedHost("localhost:80", "127.0.0.1", 80)).isTrue();
    }

    @Test
    void aServerBoundToANameAnswersToThatNameOnly() {
        assertThat(HttpApi.acceptedHost("pub.example.org:8807", "pub.example.org", 8807)).isTrue();
        assertThat(HttpApi.acceptedHost("localhost:8807", "pub.example.org", 8807)).isFalse();
    }

    @Test
    void aServerBoundToEveryInterfaceTakesAnyNameOnItsPort() {
        assertThat(HttpApi.acceptedHost("192.168.1.20:8807", "0.0.0.0", 8807)).isTrue();
        assertThat(HttpApi.acceptedHost("192.168.1.20:9999", "0.0.0.0", 8807)).isFalse();
    }
}
