package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.Identity;
import org.conch.server.ConchServer;
import org.conch.server.config.ServerConfig;
import org.conch.server.log.LogLevel;
import org.conch.server.log.Logs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve",
        header = "Run the peer: gossip on --port, the web client and HTTP API on --http-port.",
        description = {
                "Listens for Scuttlebutt peers (secret handshake, box-stream, muxrpc) and replicates with every "
                        + "connected peer the feeds of the local identity's follow graph up to --hops, by EBT when the "
                        + "peer has it and by history streams when it does not.",
                "Keeps dialling each --connect address (with backoff) while it runs. While it runs, the other verbs "
                        + "for the same data directory (publish, feed, follow, connect, status, …) act through it.",
                "Settings come from, weakest first: defaults, DATA/config.json (keys as the option names without "
                        + "dashes, e.g. {\"http-port\": 9000, \"connect\": [\"net:…\"]}), environment variables "
                        + "CONCH_<KEY> (e.g. CONCH_HTTP_PORT), these options.",
                "Stops cleanly on SIGTERM or Ctrl-C."})
final class ServeCommand extends VerbCommand {
    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on for peers (default: 0.0.0.0).")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port for peers (default: 8008; 0 picks a free port).")
    private String port;

    @Option(names = "--http-host", paramLabel = "HOST", description = "Address of the web client and HTTP API (default: 127.0.0.1).")
    private String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of the web client and HTTP API (default: 8807; -1 turns HTTP off, 0 picks a free port).")
    private String httpPort;

    @Option(names = "--hops", paramLabel = "N", description = "Replicate feeds up to N follows away (default: 2).")
    private String hops;

    @Option(names = "--connect", paramLabel = "ADDRESS",
            description = "A peer to keep connected to, as net:HOST:PORT~shs:KEY (repeatable).")
    private List<String> connect;

    @Option(names = "--network-key", paramLabel = "BASE64",
            description = "The secret-handshake network key of a test network (default: the main network's).")
    private String networkKey;

    @Option(names = "--pub", description = "Run as a pub: announce the pub and hand out invites (needs --public-host).")
    private Boolean pub;

    @Option(names = "--public-host", paramLabel = "HOST", description = "The host name newcomers reach this pub at, put in invite codes.")
    private String publicHost;

    @Option(names = "--name", paramLabel = "NAME", description = "The pub's name, published in an about message.")
    private String name;

    @Option(names = "--lan", negatable = true, description = "Find and announce peers on the local network (default: on, off with --pub).")
    private Boolean lan;

    @Option(names = "--max-connections", paramLabel = "N", description = "Gossip connections at once (default: 256).")
    private String maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N", description = "Incoming gossip connections at once from one IP address (default: 8).")
    private String maxConnectionsPerAddress;

    @Option(names = "--handshake-timeout", paramLabel = "MS", description = "Cut a gossip connection whose secret handshake is not done after MS milliseconds (default: 10000).")
    private String handshakeTimeout;

    @Option(names = "--max-streams-per-connection", paramLabel = "N", description = "muxrpc streams a peer may hold open on one connection; more are refused (default: 1024).")
    private String maxStreamsPerConnection;

    @Option(names = "--max-unsent-bytes", paramLabel = "BYTES", description = "Cut a peer that leaves more than BYTES of our answers unread (default: 16777216).")
    private String maxUnsentBytes;

    @Option(names = "--blob-max-bytes", paramLabel = "N", description = "The largest blob stored, fetched or uploaded (default: 5242880, 5 MiB).")
    private String blobMaxBytes;

    @Option(names = "--blob-quota-bytes", paramLabel = "N", description = "The most bytes all blobs together may take (default: 1073741824, 1 GiB).")
    private String blobQuotaBytes;

    @Option(names = "--invite-max-uses", paramLabel = "N", description = "The most uses an invite created here may allow (default: 1000000).")
    private String inviteMaxUses;

    @Option(names = "--invite-max-days", paramLabel = "DAYS", description = "The longest expiry an invite created here may have (default: 3650).")
    private String inviteMaxDays;

    @Option(names = "--http-max-requests-per-second", paramLabel = "N",
            description = "Requests a second one client address may make to the HTTP API, in bursts of up to N; more get 429 (default: 200; 0: no limit).")
    private String httpMaxRequestsPerSecond;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "Log lines on stderr as text or json, one event a line (default: text).")
    private String logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "Log events of this level and above: error, warn, info or debug (default: info; --verbose: debug).")
    private String logLevel;

    @Option(names = "--room", description = "Run a room server too: peers attend and reach each other through tunnels (rooms 2).")
    private Boolean room;

    @Option(names = "--room-mode", paramLabel = "MODE", description = "Who may attend the room: open, community (members) or restricted (only members connect) (default: open).")
    private String roomMode;

    @Option(names = "--room-max-attendants", paramLabel = "N", description = "Attendants of the room at once (default: 1000).")
    private String roomMaxAttendants;

    @Option(names = "--room-max-tunnels-per-attendant", paramLabel = "N", description = "Tunnels one peer may open at once (default: 16).")
    private String roomMaxTunnelsPerAttendant;

    @Option(names = "--room-tunnel-bytes-per-second", paramLabel = "BYTES", description = "Bytes a second each direction of a tunnel relays (default: 4194304).")
    private String roomTunnelBytesPerSecond;

    @Option(names = "--room-stall-timeout", paramLabel = "MS", description = "Cut a peer that leaves tunnel bytes unread this long (default: 30000).")
    private String roomStallTimeout;

    @Option(names = "--init", description = "Create the data directory and a new identity first if it has none.")
    private boolean init;

    @Override
    public Integer call() throws Exception {
        DataDirectory data = dataDirectory();
        ServerConfig config = ServerConfig.load(data.root(), conch().environment(), flags());
        Logs.configure(config.logFormat(), conch().verbose() ? LogLevel.DEBUG : config.logLevel());
        if (init && !data.hasIdentity()) {
            Identity created = Identity.generate();
            data.create();
            created.save(data.secretFile());
            err().println("conch: created identity " + created.id() + " in " + data.root());
        }
        ConchServer server = ConchServer.start(config, data);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "conch-shutdown"));

        String address = server.address().toString();
        if (json()) {
            Map<String, Object> started = new LinkedHashMap<>();
            started.put("id", server.identity().id().toString());
            started.put("address", address);
            started.put("port", (double) server.gossipPort());
            started.put("httpPort", (double) server.httpPort());
            printJson(started);
        } else {
            out().println("conch serving " + server.identity().id() + " at " + address
                    + (server.httpPort() == -1 ? "" : ", web client on http://" + config.httpHost() + ":" + server.httpPort() + "/"));
        }
        out().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** The options given, by setting key; absent ones are left to the config file, the environment and the defaults. */
    private Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("host", host);
        flags.put("port", port);
        flags.put("http-host", httpHost);
        flags.put("http-port", httpPort);
        flags.put("hops", hops);
        flags.put("connect", connect == null ? null : String.join(",", connect));
        flags.put("network-key", networkKey);
        flags.put("pub", pub == null ? null : pub.toString());
        flags.put("room", room == null ? null : room.toString());
        flags.put("room-mode", roomMode);
        flags.put("room-max-attendants", roomMaxAttendants);
        flags.put("room-max-tunnels-per-attendant", roomMaxTunnelsPerAttendant);
        flags.put("room-tunnel-bytes-per-second", roomTunnelBytesPerSecond);
        flags.put("room-stall-timeout", roomStallTimeout);
        flags.put("public-host", publicHost);
        flags.put("name", name);
        flags.put("lan", lan == null ? null : lan.toString());
        flags.put("max-connections", maxConnections);
        flags.put("max-connections-per-address", maxConnectionsPerAddress);
        flags.put("handshake-timeout", handshakeTimeout);
        flags.put("max-streams-per-connection", maxStreamsPerConnection);
        flags.put("max-unsent-bytes", maxUnsentBytes);
        flags.put("blob-max-bytes", blobMaxBytes);
        flags.put("blob-quota-bytes", blobQuotaBytes);
        flags.put("invite-max-uses", inviteMaxUses);
        flags.put("invite-max-days", inviteMaxDays);
        flags.put("http-max-requests-per-second", httpMaxRequestsPerSecond);
        flags.put("log-format", logFormat);
        flags.put("log-level", logLevel);
        return flags;
    }
}
