package org.conch.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What conch's log lines look like in either format, and which events each level lets through. */
class LogsTest {
    private static final String PEER = "@FCX/tsDLpubCPKKfIrw4gc+SQkHcaD17s7GI6i/ziWY=.ed25519";
    private static final String FEED = "@EMovhfIrFk4NihAKnRNhrfRaqIhBv1Wj8pTxJNgvCCY=.ed25519";
    private static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    LogsTest() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // as logback gives the context it makes itself
    }

    private Logger logger(LogFormat format, LogLevel level, String name) {
        Logs.configure(context, format, level, out);
        return context.getLogger(name);
    }

    private Logger replicationLogger(LogFormat format) {
        return logger(format, LogLevel.INFO, "org.conch.gossip.replication.PeerReplication");
    }

    /** An invalid message from a peer, as PeerReplication logs it. */
    private static void logRefusal(Logger log) {
        log.atWarn().addKeyValue("peer", PEER).addKeyValue("feed", FEED).addKeyValue("seq", 3)
                .addKeyValue("reason", "signature does not verify")
                .log("peer {} sent an invalid message of feed {}: {}", PEER, FEED, "signature does not verify");
    }

    private List<String> lines() {
        String written = out.toString(StandardCharsets.UTF_8);
        assertThat(written).endsWith("\n");
        return List.of(written.split("\n"));
    }

    // ------------------------------------------------------------------ text

    @Test
    void aTextLineIsTimestampLevelLoggerKeyValuesThenTheMessage() {
        logRefusal(replicationLogger(LogFormat.TEXT));

        // ids end in "=" (base64), so logfmt quotes them
        assertThat(lines()).singleElement().asString().matches(TIMESTAMP + " WARN  PeerReplication "
                + "peer=\"" + quoted(PEER) + "\" feed=\"" + quoted(FEED) + "\" seq=3 reason=\"signature does not verify\" "
                + "peer " + quoted(PEER) + " sent an invalid message of feed " + quoted(FEED) + ": signature does not verify");
    }

    @Test
    void theTimestampIsUtcWithMilliseconds() {
        LoggingEvent event = new LoggingEvent();
        event.setInstant(Instant.parse("2026-11-22T10:15:30Z"));
        assertThat(Logs.timestamp(event)).isEqualTo("2026-11-22T10:15:30.000Z");
    }

    @Test
    void textValuesWithSpacesQuotesOrEqualsAreQuotedLogfmtStyle() {
        replicationLogger(LogFormat.TEXT).atInfo().addKeyValue("address", "127.0.0.1:8008").addKeyValue("reason", "say \"hi\"")
                .addKeyValue("invite", "a=b").addKeyValue("blob", "").addKeyValue("path", "C:\\dir").log("done");

        assertThat(lines()).singleElement().asString()
                .endsWith(" address=127.0.0.1:8008 reason=\"say \\\"hi\\\"\" invite=\"a=b\" blob=\"\" path=C:\\dir done");
    }

    @Test
    void whatAPeerSentCannotStartALineOfItsOwn() {
        String forged = "x\n2026-11-22T10:15:30.000Z ERROR Forged peer=@someone.ed25519 fake";
        replicationLogger(LogFormat.TEXT).atWarn().addKeyValue("reason", forged).log("closed: {}", forged);

        assertThat(lines()).singleElement().asString()
                .contains("reason=\"x\\n2026-11-22T10:15:30.000Z ERROR Forged peer=@someone.ed25519 fake\"")
                .endsWith("closed: x\\n2026-11-22T10:15:30.000Z ERROR Forged peer=@someone.ed25519 fake");
    }

    @Test
    void anExceptionFollowsTheTextLineOnLinesThatBeginWithATab() {
        replicationLogger(LogFormat.TEXT).atError().addKeyValue("peer", PEER).setCause(failure()).log("reading failed");

        List<String> lines = lines();
        assertThat(lines.get(0)).matches(TIMESTAMP + " ERROR PeerReplication peer=\"" + quoted(PEER) + "\" reading failed");
        assertThat(lines.get(1)).isEqualTo("\tjava.lang.IllegalStateException: the store failed");
        assertThat(lines.subList(1, lines.size())).allMatch(line -> line.startsWith("\t"))
                .anyMatch(line -> line.startsWith("\t\tat org.conch.server.log.LogsTest.failure"))
                .anyMatch(line -> line.equals("\tCaused by: java.io.IOException: disk full"));
    }

    // ------------------------------------------------------------------ JSON

    @Test
    void aJsonLineCarriesTheFixedFieldsAndEveryKeyValueAsAFieldOfItsOwn() throws IOException {
        logRefusal(replicationLogger(LogFormat.JSON));

        JsonNode line = new ObjectMapper().readTree(lines().get(0));
        assertThat(lines()).hasSize(1);
        assertThat(line.get("timestamp").asText()).matches(TIMESTAMP);
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("logger").asText()).isEqualTo("org.conch.gossip.replication.PeerReplication");
        assertThat(line.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(line.get("message").asText())
                .isEqualTo("peer " + PEER + " sent an invalid message of feed " + FEED + ": signature does not verify");
        assertThat(line.get("peer").asText()).isEqualTo(PEER);
        assertThat(line.get("feed").asText()).isEqualTo(FEED);
        assertThat(line.get("seq").isNumber()).as("numbers stay numbers").isTrue();
        assertThat(line.get("seq").asLong()).isEqualTo(3);
        assertThat(line.get("reason").asText()).isEqualTo("signature does not verify");
        assertThat(line.has("exception")).isFalse();
    }

    @Test
    void aJsonLineCarriesTheExceptionsClassMessageAndStack() throws IOException {
        replicationLogger(LogFormat.JSON).atError().addKeyValue("peer", PEER).setCause(failure()).log("reading failed");

        assertThat(lines()).as("the stack stays inside the one line").hasSize(1);
        JsonNode exception = new ObjectMapper().readTree(lines().get(0)).get("exception");
        assertThat(exception.get("class").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(exception.get("message").asText()).isEqualTo("the store failed");
        assertThat(exception.get("stack").asText())
                .startsWith("java.lang.IllegalStateException: the store failed\n\tat org.conch.server.log.LogsTest.failure")
                .contains("Caused by: java.io.IOException: disk full");
    }

    @Test
    void aKeyNamedLikeAFixedFieldKeepsTheFixedField() throws IOException {
        replicationLogger(LogFormat.JSON).atInfo().addKeyValue("message", "from a key").log("the message");

        JsonNode line = new ObjectMapper().readTree(lines().get(0));
        assertThat(line.get("message").asText()).isEqualTo("the message");
        assertThat(line.get("_message").asText()).isEqualTo("from a key");
    }

    // ------------------------------------------------------------------ levels

    @Test
    void conchLogsAtTheLevelSetAndLibrariesOneStepLess() {
        Logs.configure(context, LogFormat.TEXT, LogLevel.INFO, out);
        assertThat(context.getLogger("org.conch.gossip.net.PeerConnection").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.flywaydb.core.internal.command.DbMigrate").getEffectiveLevel()).isEqualTo(Level.WARN);

        Logs.configure(context, LogFormat.TEXT, LogLevel.DEBUG, out);
        assertThat(context.getLogger("org.conch.gossip.net.PeerConnection").getEffectiveLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("io.netty.channel.DefaultChannelPipeline").getEffectiveLevel()).isEqualTo(Level.INFO);

        Logs.configure(context, LogFormat.TEXT, LogLevel.ERROR, out);
        assertThat(context.getLogger("org.conch.server.ConchServer").getEffectiveLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getLogger("io.vertx.core.impl.VertxImpl").getEffectiveLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void reconfiguringReplacesTheAppenderSoEachEventIsWrittenOnce() {
        Logs.configure(context, LogFormat.TEXT, LogLevel.INFO, out);
        Logger log = logger(LogFormat.JSON, LogLevel.INFO, "org.conch.server.ConchServer");
        log.info("once");

        assertThat(lines()).singleElement().asString().startsWith("{").contains("\"message\":\"once\"");
    }

    @Test
    void untilAVerbChoosesLogsAreTextAtWarn() {
        StartupConfigurator startup = new StartupConfigurator();
        startup.setContext(context);
        startup.configure(context);

        ch.qos.logback.classic.Logger conch = context.getLogger("org.conch.server.ConchServer");
        assertThat(conch.getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("stderr")).isNotNull();
    }

    private static IllegalStateException failure() {
        return new IllegalStateException("the store failed", new java.io.IOException("disk full"));
    }

    private static String quoted(String text) {
        return java.util.regex.Pattern.quote(text);
    }
}
