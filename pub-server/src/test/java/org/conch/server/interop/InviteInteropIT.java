package org.conch.server.interop;

import org.conch.testing.ConchProcess;
import org.conch.testing.RealPeer.Stack;
import org.conch.testing.RealPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invites between conch and real peers from npm: a newcomer redeems a pub's invite, the pub follows it,
 * and the two then replicate each other's feeds.
 */
class InviteInteropIT {
    @TempDir
    Path work;

    /**
     * conch as the pub: `conch serve --pub` announces itself, `conch invite create` (through the running
     * server) makes a code, the real peer redeems it with its own invite client and dials the pub again
     * with its own key; then each holds the other's feed, including a post published afterwards.
     */
    @ParameterizedTest(name = "{0} stack redeems a conch invite")
    @EnumSource(Stack.class)
    void aRealPeerRedeemsAConchInviteAndTheyReplicate(Stack stack) throws Exception {
        ConchProcess conch = new ConchProcess(work);
        String data = work.resolve("conch").toString();
        conch.run("--data", data, "init");
        String conchId = conch.run("--data", data, "whoami").trim();
        int httpPort = RealPeer.freePort();
        Process server = conch.startServer(List.of("--data", data, "--json", "serve", "--pub", "--public-host", "127.0.0.1",
                "--name", "conch test pub", "--host", "127.0.0.1", "--port", String.valueOf(RealPeer.freePort()),
                "--http-port", String.valueOf(httpPort)));
        try (RealPeer newcomer = RealPeer.start(stack, work.resolve("peer"))) {
            BufferedReader out = server.inputReader(StandardCharsets.UTF_8);
            assertThat(out.readLine()).as("conch serve's first line; log: %s", conch.serveLog()).isNotNull();
            ConchProcess.Result created = conch.runAllowingFailure("--data", data, "invite", "create", "--note", "welcome");
            assertThat(created.exitCode()).as(created.stderr()).isZero();
            assertThat(created.stderr()).as("a pub's code needs no warning").doesNotContain("warning");
            String code = created.stdout().trim();
            assertThat(code).startsWith("127.0.0.1:").contains(":" + conchId + "~");

            newcomer.acceptInvite(code);
            newcomer.publishPost("hello from the newcomer on " + stack);
            conch.run("--data", data, "publish", "--type", "post", "--text", "hello from the conch pub");

            conch.waitUntilConchHas(httpPort, server, newcomer.id(), newcomer.latest(newcomer.id()));
            // conch: its pub and about announcements, its follow of the newcomer, the post
            newcomer.waitFor(conchId, 4, 60_000);
            List<Map<String, Object>> conchFeed = newcomer.feed(conchId);
            assertThat(conchFeed).extracting(value -> content(value).get("type")).containsExactly("pub", "about", "contact", "post");
            assertThat(content(conchFeed.get(1))).containsEntry("name", "conch test pub");
            assertThat(content(conchFeed.get(2))).containsEntry("contact", newcomer.id()).containsEntry("following", true)
                    .containsEntry("pub", true).containsEntry("note", "welcome");
            assertThat(conch.run("--data", data, "--json", "invite", "list")).contains("\"used\":1", "\"status\":\"used up\"");
        } finally {
            ConchProcess.stop(server);
        }
    }

    /**
     * conch as the newcomer: `conch invite accept` with a code made by ssb-server 16's ssb-invite; then
     * `conch serve`, told nothing of the pub, dials it because its feed announced it, and they replicate.
     */
    @Test
    void conchAcceptsAnSsbServerInviteAndTheyReplicate() throws Exception {
        try (RealPeer pub = RealPeer.start(Stack.CLASSIC, work.resolve("pub"))) {
            pub.publishPost("hello from the ssb-server pub");
            String code = pub.createInvite(1);
            ConchProcess conch = new ConchProcess(work);
            String data = work.resolve("conch").toString();
            conch.run("--data", data, "init");
            String conchId = conch.run("--data", data, "whoami").trim();

            conch.run("--data", data, "invite", "accept", code);

            // the pub's follow of conch, with ssb-invite's "pub: true"
            List<Map<String, Object>> pubFeed = pub.feed(pub.id());
            assertThat(pubFeed).anySatisfy(value -> assertThat(content(value))
                    .containsEntry("type", "contact").containsEntry("contact", conchId)
                    .containsEntry("following", true).containsEntry("pub", true));
            ConchProcess.Result again = conch.runAllowingFailure("--data", data, "invite", "accept", code);
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.stderr()).contains("conch: the pub at 127.0.0.1:" + pubPort(pub) + " did not accept the invite");

            conch.run("--data", data, "publish", "--type", "post", "--text", "hello from conch");
            int httpPort = RealPeer.freePort();
            Process server = conch.startServer(List.of("--data", data, "--json", "serve", "--host", "127.0.0.1",
                    "--port", String.valueOf(RealPeer.freePort()), "--http-port", String.valueOf(httpPort)));
            try {
                BufferedReader out = server.inputReader(StandardCharsets.UTF_8);
                assertThat(out.readLine()).as("conch serve's first line; log: %s", conch.serveLog()).isNotNull();
                // conch: its follow of the pub, the pub's address, the post
                pub.waitFor(conchId, 3, 60_000);
                long pubMessages = pub.latest(pub.id());
                conch.waitUntilConchHas(httpPort, server, pub.id(), pubMessages);
            } finally {
                ConchProcess.stop(server);
            }
            List<Map<String, Object>> conchFeed = pub.feed(conchId);
            assertThat(conchFeed).extracting(value -> content(value).get("type"))
                    .containsExactly("contact", "pub", "post");
            @SuppressWarnings("unchecked")
            Map<String, Object> address = (Map<String, Object>) content(conchFeed.get(1)).get("address");
            assertThat(address).containsEntry("host", "127.0.0.1").containsEntry("key", pub.id());
        }
    }

    private static String pubPort(RealPeer peer) {
        String address = peer.address(); // net:127.0.0.1:PORT~shs:KEY
        return address.substring(address.lastIndexOf(':', address.indexOf('~')) + 1, address.indexOf('~'));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> content(Map<String, Object> value) {
        return (Map<String, Object>) value.get("content");
    }
}
