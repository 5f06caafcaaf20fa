package org.conch.server.config;

import org.conch.server.invite.InviteLimits;
import org.conch.server.log.LogFormat;
import org.conch.server.log.LogLevel;
import org.conch.server.log.LogSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {
    private static final String PEER = "net:127.0.0.1:8008~shs:ZhqjbE34uLkkGIO6Dgbj6wjaNtsl8I07hOcmLlRmIsk=";

    @TempDir
    Path data;

    @Test
    void withNothingSetEveryDefaultApplies() {
        ServerConfig config = ServerConfig.load(data, Map.of(), Map.of());
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8008);
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isEqualTo(8807);
        assertThat(config.hops()).isEqualTo(2);
        assertThat(config.connect()).isEmpty();
        assertThat(config.networkKey()).isNull();
        assertThat(config.pub()).isFalse();
        assertThat(config.lan()).as("a personal peer looks for LAN peers").isTrue();
        assertThat(config.maxConnections()).isEqualTo(256);
    }

    @Test
    void theFileBeatsDefaultsTheEnvironmentBeatsTheFileAndFlagsBeatEverything() throws Exception {
        Files.writeString(data.resolve("config.json"),
                "{\"port\": 9001, \"http-port\": 9002, \"hops\": 3, \"connect\": [\"" + PEER + "\"]}");
        Map<String, String> environment = Map.of("CONCH_HTTP_PORT", "9102", "CONCH_HOPS", "4");
        Map<String, String> flags = new HashMap<>();
        flags.put("hops", "1");
        flags.put("port", null); // an option not given
        ServerConfig config = ServerConfig.load(data, environment, flags);
        assertThat(config.port()).isEqualTo(9001);
        assertThat(config.httpPort()).isEqualTo(9102);
        assertThat(config.hops()).isEqualTo(1);
        assertThat(config.connect()).extracting(Object::toString).containsExactly(PEER);
    }

    @Test
    void aBadValueNamesTheKeyTheSourceAndWhatIsAccepted() throws Exception {
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of("CONCH_PORT", "80000"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("port must be a whole number from 0 to 65535, got \"80000\" (from environment CONCH_PORT)");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("hops", "many")))
                .hasMessage("hops must be a whole number from 0 to 10, got \"many\" (from --hops)");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("lan", "maybe")))
                .hasMessage("lan must be true or false, got \"maybe\" (from --lan)");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("network-key", "c2hvcnQ=")))
                .hasMessageStartingWith("network-key must be the base64 of 32 bytes");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("connect", "net:nowhere")))
                .hasMessageStartingWith("connect must be net:HOST:PORT~shs:KEY addresses; \"net:nowhere\"");
        Files.writeString(data.resolve("config.json"), "{\"http-prot\": 1}");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of()))
                .hasMessageContaining("unknown key \"http-prot\"");
        Files.writeString(data.resolve("config.json"), "{\"port\": ");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of()))
                .hasMessageContaining("is not valid JSON");
    }

    @Test
    void aRoomIsOffByDefaultAndOnWithItsModeNameAndLimits() {
        assertThat(ServerConfig.load(data, Map.of(), Map.of()).room()).isNull();
        ServerConfig room = ServerConfig.load(data, Map.of("CONCH_ROOM_MODE", "community"),
                Map.of("room", "true", "name", "Our room", "room-max-tunnels-per-attendant", "3"));
        assertThat(room.room().mode()).isEqualTo(org.conch.gossip.room.PrivacyMode.COMMUNITY);
        assertThat(room.room().name()).isEqualTo("Our room");
        assertThat(room.room().maxTunnelsPerAttendant()).isEqualTo(3);
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("room", "true", "room-mode", "secret")))
                .hasMessage("room-mode must be open, community or restricted, got \"secret\" (from --room-mode)");
    }

    @Test
    void aPubNeedsItsPublicHostAndIsNotOnTheLanByDefault() {
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("pub", "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("public-host is required with pub");
        ServerConfig pub = ServerConfig.load(data, Map.of("CONCH_PUBLIC_HOST", "pub.example.org"), Map.of("pub", "true"));
        assertThat(pub.pub()).isTrue();
        assertThat(pub.publicHost()).isEqualTo("pub.example.org");
        assertThat(pub.lan()).isFalse();
    }

    @Test
    void aSmallConnectionCapAlsoCapsConnectionsPerAddress() {
        ServerConfig config = ServerConfig.load(data, Map.of(), Map.of("max-connections", "3"));
        assertThat(config.gossip().maxConnections()).isEqualTo(3);
        assertThat(config.gossip().maxConnectionsPerAddress()).isEqualTo(3);
        ServerConfig load = ServerConfig.load(data, Map.of(), Map.of("max-connections", "2000", "max-connections-per-address", "1500"));
        assertThat(load.gossip().maxConnections()).isEqualTo(2000);
        assertThat(load.gossip().maxConnectionsPerAddress()).isEqualTo(1500);
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("max-connections", "10", "max-connections-per-address", "11")))
                .hasMessage("max-connections-per-address must be a whole number from 1 to 10, got \"11\" (from --max-connections-per-address)");
    }

    @Test
    void theHandshakeTimeoutAndTheStreamAndUnsentLimitsReachTheGossipNodeAndAreChecked() {
        ServerConfig defaults = ServerConfig.load(data, Map.of(), Map.of());
        assertThat(defaults.gossip().handshakeTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(defaults.muxrpc().maxOpenStreams()).isEqualTo(1024);
        assertThat(defaults.gossip().maxUnsentBytes()).isEqualTo(16 << 20);
        assertThat(ServerConfig.load(data, Map.of(), Map.of("max-unsent-bytes", "1048576")).gossip().maxUnsentBytes())
                .isEqualTo(1 << 20);
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("max-unsent-bytes", "1000")))
                .hasMessage("max-unsent-bytes must be a whole number from 65536 to 2147483647, got \"1000\" (from --max-unsent-bytes)");
        ServerConfig set = ServerConfig.load(data, Map.of("CONCH_HANDSHAKE_TIMEOUT", "750"),
                Map.of("max-streams-per-connection", "64"));
        assertThat(set.gossip().handshakeTimeout()).isEqualTo(java.time.Duration.ofMillis(750));
        assertThat(set.muxrpc().maxOpenStreams()).isEqualTo(64);
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("handshake-timeout", "5")))
                .hasMessage("handshake-timeout must be a whole number from 10 to 600000, got \"5\" (from --handshake-timeout)");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("max-streams-per-connection", "0")))
                .hasMessage("max-streams-per-connection must be a whole number from 1 to 100000, got \"0\" (from --max-streams-per-connection)");
    }

    @Test
    void blobLimitsHaveDefaultsAndTheQuotaIsNeverBelowTheLimit() {
        ServerConfig defaults = ServerConfig.load(data, Map.of(), Map.of());
        assertThat(defaults.blobMaxBytes()).as("ssb-blobs' 5 MiB").isEqualTo(5L * 1024 * 1024);
        assertThat(defaults.blobQuotaBytes()).isEqualTo(1L << 30);
        ServerConfig set = ServerConfig.load(data, Map.of("CONCH_BLOB_QUOTA_BYTES", "20000000000"), Map.of("blob-max-bytes", "1000"));
        assertThat(set.blobMaxBytes()).isEqualTo(1000);
        assertThat(set.blobQuotaBytes()).isEqualTo(20_000_000_000L);
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("blob-max-bytes", "2000", "blob-quota-bytes", "1000")))
                .hasMessage("blob-quota-bytes must be a whole number from 2000 to 9223372036854775807, got \"1000\" (from --blob-quota-bytes)");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("blob-max-bytes", "0")))
                .hasMessageStartingWith("blob-max-bytes must be a whole number from 1 to ");
    }

    @Test
    void inviteLimitsHaveTheOldFixedLimitsAsDefaultsAndCeilings() throws Exception {
        ServerConfig defaults = ServerConfig.load(data, Map.of(), Map.of());
        assertThat(defaults.inviteLimits()).isEqualTo(new InviteLimits(1_000_000, 3650));
        Files.writeString(data.resolve("config.json"), "{\"invite-max-uses\": 500}");
        ServerConfig set = ServerConfig.load(data, Map.of("CONCH_INVITE_MAX_DAYS", "30"), Map.of());
        assertThat(set.inviteLimits()).isEqualTo(new InviteLimits(500, 30));
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("invite-max-uses", "1000001")))
                .hasMessage("invite-max-uses must be a whole number from 1 to 1000000, got \"1000001\" (from --invite-max-uses)");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of("CONCH_INVITE_MAX_DAYS", "0"), Map.of()))
                .hasMessage("invite-max-days must be a whole number from 1 to 3650, got \"0\" (from environment CONCH_INVITE_MAX_DAYS)");
    }

    @Test
    void theHttpRateLimitIsGenerousByDefaultAndZeroTurnsItOff() {
        assertThat(ServerConfig.load(data, Map.of(), Map.of()).httpMaxRequestsPerSecond()).isEqualTo(200);
        assertThat(ServerConfig.load(data, Map.of("CONCH_HTTP_MAX_REQUESTS_PER_SECOND", "0"), Map.of()).httpMaxRequestsPerSecond())
                .isZero();
        assertThat(ServerConfig.load(data, Map.of(), Map.of("http-max-requests-per-second", "5")).httpMaxRequestsPerSecond())
                .isEqualTo(5);
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("http-max-requests-per-second", "-1")))
                .hasMessage("http-max-requests-per-second must be a whole number from 0 to 1000000, got \"-1\" "
                        + "(from --http-max-requests-per-second)");
    }

    @Test
    void serveLogsTextAtInfoUnlessToldAndTheLogSettingsAreLayeredLikeEveryOther() throws Exception {
        ServerConfig defaults = ServerConfig.load(data, Map.of(), Map.of());
        assertThat(defaults.logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(defaults.logLevel()).isEqualTo(LogLevel.INFO);
        Files.writeString(data.resolve("config.json"), "{\"log-format\": \"json\", \"log-level\": \"debug\"}");
        ServerConfig fromFile = ServerConfig.load(data, Map.of(), Map.of());
        assertThat(fromFile.logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(fromFile.logLevel()).isEqualTo(LogLevel.DEBUG);
        ServerConfig layered = ServerConfig.load(data, Map.of("CONCH_LOG_FORMAT", "TEXT", "CONCH_LOG_LEVEL", "warn"),
                Map.of("log-level", "error"));
        assertThat(layered.logFormat()).as("any case").isEqualTo(LogFormat.TEXT);
        assertThat(layered.logLevel()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void aBadLogSettingNamesTheKeyTheSourceAndTheChoices() {
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of(), Map.of("log-format", "xml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("log-format must be text or json, got \"xml\" (from --log-format)");
        assertThatThrownBy(() -> ServerConfig.load(data, Map.of("CONCH_LOG_LEVEL", "loud"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("log-level must be error, warn, info or debug, got \"loud\" (from environment CONCH_LOG_LEVEL)");
    }

    @Test
    void theOtherVerbsReadOnlyTheLogSettingsAndLogWarningsUnlessTold() throws Exception {
        assertThat(ServerConfig.logSettings(data, Map.of())).isEqualTo(new LogSettings(LogFormat.TEXT, LogLevel.WARN));
        Files.writeString(data.resolve("config.json"), "{\"log-format\": \"json\", \"port\": 80000}");
        assertThat(ServerConfig.logSettings(data, Map.of("CONCH_LOG_LEVEL", "info", "CONCH_HOPS", "many")))
                .as("a bad value of another key is serve's to report")
                .isEqualTo(new LogSettings(LogFormat.JSON, LogLevel.INFO));
        assertThatThrownBy(() -> ServerConfig.logSettings(data, Map.of("CONCH_LOG_FORMAT", "yaml")))
                .hasMessage("log-format must be text or json, got \"yaml\" (from environment CONCH_LOG_FORMAT)");
    }
}
