package org.conch.server.config;

import org.conch.feed.blob.BlobStore;
import org.conch.feed.json.Json;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.net.GossipConfig;
import org.conch.server.invite.InviteEndpoint;
import org.conch.server.invite.InviteLimits;
import org.conch.server.invite.InviteTerms;
import org.conch.server.log.LogFormat;
import org.conch.server.log.LogLevel;
import org.conch.server.log.LogSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.conch.gossip.room.PrivacyMode;
import org.conch.gossip.room.RoomConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code conch serve} can be told, validated once at start. Each setting has a key (the flag's
 * name without dashes) and comes from, weakest first: the defaults here, {@code DATA/config.json}, the
 * environment ({@code CONCH_} + the key in upper case with {@code _} for {@code -}), the command line.
 *
 * @param host           gossip bind address
 * @param port           gossip TCP port (0: any free port)
 * @param httpHost       web client and HTTP API bind address
 * @param httpPort       its port (-1: no HTTP at all, 0: any free port)
 * @param hops           replicate feeds up to this many follows away
 * @param connect        peers and pubs to keep connected to, with backoff
 * @param networkKey     the secret-handshake network key (null: the main network's)
 * @param pub            run as a pub: announce it, hand out invites
 * @param publicHost     the host name a pub gives out in invite codes and its {@code pub} announcement
 * @param name           the pub's name, published in an {@code about}
 * @param lan            find and announce peers on the local network by UDP broadcast
 * @param maxConnections gossip connections at once, both directions
 * @param maxConnectionsPerAddress incoming gossip connections at once from one IP address
 * @param handshakeTimeoutMillis   how long a gossip connection may take to complete its secret handshake
 *                                 before it is cut (ms)
 * @param maxStreamsPerConnection  muxrpc streams a peer may hold open on one connection; more are refused
 *                                 with an error and the connection stays up
 * @param maxUnsentBytes           bytes of ours a peer may leave untaken (asking without reading); over it the
 *                                 connection is cut
 * @param blobMaxBytes   the largest blob stored, fetched or accepted over HTTP
 * @param blobQuotaBytes the most bytes all stored blobs may take together
 * @param inviteMaxUses  the most uses an invite created here may allow
 * @param inviteMaxDays  the longest expiry an invite created here may have (days)
 * @param httpMaxRequestsPerSecond requests a second one client IP address may make to the HTTP API, in bursts
 *                                 of up to one second's worth (0: no limit)
 * @param logFormat      how log lines are written on stderr: text or JSON
 * @param logLevel       the least severe events logged
 * @param room           the room server's settings, or null when this server is not a room
 */
public record ServerConfig(String host, int port, String httpHost, int httpPort, int hops,
                           List<MultiserverAddress> connect, byte[] networkKey, boolean pub, String publicHost,
                           String name, boolean lan, int maxConnections,
                           int maxConnectionsPerAddress, int handshakeTimeoutMillis, int maxStreamsPerConnection,
                           int maxUnsentBytes, long blobMaxBytes, long blobQuotaBytes, int inviteMaxUses,
                           int inviteMaxDays, int httpMaxRequestsPerSecond, LogFormat logFormat, LogLevel logLevel,
                           RoomConfig room) {
    public static final String FILE_NAME = "config.json";
    public static final String DEFAULT_HOST = GossipConfig.DEFAULT_HOST;
    public static final int DEFAULT_PORT = GossipConfig.DEFAULT_PORT;
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 8807;
    public static final int DEFAULT_HOPS = 2;
    public static final int MAX_HOPS = 10;
    public static final int DEFAULT_MAX_CONNECTIONS = GossipConfig.DEFAULT_MAX_CONNECTIONS;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = GossipConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = (int) GossipConfig.DEFAULT_HANDSHAKE_TIMEOUT.toMillis();
    public static final int MIN_HANDSHAKE_TIMEOUT_MILLIS = 10;
    public static final int MAX_HANDSHAKE_TIMEOUT_MILLIS = 600_000;
    public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = RpcSession.Options.DEFAULT_MAX_OPEN_STREAMS;
    public static final int MAX_MAX_STREAMS_PER_CONNECTION = 100_000;
    public static final int DEFAULT_MAX_UNSENT_BYTES = GossipConfig.DEFAULT_MAX_UNSENT_BYTES;
    public static final long DEFAULT_BLOB_MAX_BYTES = BlobStore.DEFAULT_MAX_BYTES;
    public static final long DEFAULT_BLOB_QUOTA_BYTES = BlobStore.DEFAULT_QUOTA_BYTES;
    /** Largest blob-max-bytes: a blob is held in memory while it is checked and stored. */
    public static final long MAX_BLOB_MAX_BYTES = 256L << 20;
    public static final int DEFAULT_INVITE_MAX_USES = InviteTerms.MAX_USES;
    public static final int DEFAULT_INVITE_MAX_DAYS = InviteTerms.MAX_VALIDITY_DAYS;
    /** Generous for a local user and a web client that polls; a script hammering the API is slowed down. */
    public static final int DEFAULT_HTTP_MAX_REQUESTS_PER_SECOND = 200;
    public static final int MAX_HTTP_MAX_REQUESTS_PER_SECOND = 1_000_000;
    public static final LogFormat DEFAULT_LOG_FORMAT = LogFormat.TEXT;
    public static final LogLevel DEFAULT_LOG_LEVEL = LogLevel.INFO;
    /** The verbs other than serve log only what went wrong unless told otherwise. */
    public static final LogLevel DEFAULT_VERB_LOG_LEVEL = LogLevel.WARN;

    /** Every key a setting can have, as written in config.json and (with --) on the command line. */
    public static final Set<String> KEYS = Set.of("host", "port", "http-host", "http-port", "hops", "connect",
            "network-key", "pub", "public-host", "name", "lan", "max-connections", "max-connections-per-address",
            "handshake-timeout", "max-streams-per-connection", "max-unsent-bytes", "blob-max-bytes", "blob-quota-bytes",
            "invite-max-uses", "invite-max-days", "http-max-requests-per-second", "log-format", "log-level",
            "room", "room-mode", "room-max-attendants", "room-max-tunnels-per-attendant", "room-tunnel-bytes-per-second",
            "room-stall-timeout");

    public ServerConfig {
        connect = List.copyOf(connect);
        networkKey = networkKey == null ? null : networkKey.clone();
    }

    @Override
    public byte[] networkKey() {
        return networkKey == null ? null : networkKey.clone();
    }

    /** The gossip node's settings derived from these. */
    public GossipConfig gossip() {
        GossipConfig gossip = GossipConfig.defaults().withHost(host).withPort(port)
                .withHandshakeTimeout(Duration.ofMillis(handshakeTimeoutMillis)).withMaxUnsentBytes(maxUnsentBytes);
        if (networkKey != null) gossip = gossip.withNetworkKey(networkKey);
        // set the smaller cap first: the per-address one may never exceed the total one
        return maxConnections < gossip.maxConnectionsPerAddress()
                ? gossip.withMaxConnectionsPerAddress(maxConnectionsPerAddress).withMaxConnections(maxConnections)
                : gossip.withMaxConnections(maxConnections).withMaxConnectionsPerAddress(maxConnectionsPerAddress);
    }

    /** The muxrpc limits of every gossip connection derived from these. */
    public RpcSession.Options muxrpc() {
        return RpcSession.Options.defaults().withMaxOpenStreams(maxStreamsPerConnection);
    }

    /** The most an invite created on this server may allow. */
    public InviteLimits inviteLimits() {
        return new InviteLimits(inviteMaxUses, inviteMaxDays);
    }

    /**
     * Where this server's invite codes tell newcomers to dial when it listens on {@code gossipPort}: a pub's public
     * host; otherwise the gossip host, or 127.0.0.1 when it listens on every interface, with a warning, since peers
     * elsewhere may be unable to dial that.
     */
    public InviteEndpoint inviteEndpoint(int gossipPort) {
        if (pub) return new InviteEndpoint(publicHost, gossipPort, null);
        boolean everyInterface = host.equals("0.0.0.0") || host.equals("::");
        String dialled = everyInterface ? "127.0.0.1" : host;
        return new InviteEndpoint(dialled, gossipPort, "not configured as a pub (no --pub and --public-host): the code names "
                + dialled + ":" + gossipPort + ", which peers on other machines may not reach");
    }

    /** One value of a setting and where it came from, for error messages. */
    public record Setting(String value, String source) {
    }

    /**
     * Settings layered from the config file in {@code dataDirectory} (if any), {@code environment} and
     * {@code flags} (key to value, already as text; a repeated flag joined with commas), strongest last.
     */
    public static ServerConfig load(Path dataDirectory, Map<String, String> environment, Map<String, String> flags) {
        return from(layered(dataDirectory, environment, flags));
    }

    /**
     * Only the logging settings, from the config file and the environment, for the verbs other than serve
     * (which read nothing else of these settings, so a bad value of another key does not stop them).
     */
    public static LogSettings logSettings(Path dataDirectory, Map<String, String> environment) {
        Reader read = new Reader(layered(dataDirectory, environment, Map.of()));
        return new LogSettings(read.choice("log-format", DEFAULT_LOG_FORMAT, LogFormat.class),
                read.choice("log-level", DEFAULT_VERB_LOG_LEVEL, LogLevel.class));
    }

    private static Map<String, Setting> layered(Path dataDirectory, Map<String, String> environment, Map<String, String> flags) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        readFile(dataDirectory.resolve(FILE_NAME), settings);
        for (String key : KEYS) {
            String value = environment.get(environmentName(key));
            if (value != null) settings.put(key, new Setting(value, "environment " + environmentName(key)));
        }
        flags.forEach((key, value) -> {
            if (!KEYS.contains(key)) throw new IllegalArgumentException("not a setting: " + key);
            if (value != null) settings.put(key, new Setting(value, "--" + key));
        });
        return settings;
    }

    /** {@code http-port} is read from {@code CONCH_HTTP_PORT}. */
    public static String environmentName(String key) {
        return "CONCH_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static void readFile(Path file, Map<String, Setting> settings) {
        if (!Files.exists(file)) return;
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigException(file + " is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> object)) throw new ConfigException(file + " must hold a JSON object");
        String source = file.toString();
        object.forEach((key, value) -> {
            if (!KEYS.contains((String) key)) {
                throw new ConfigException(source + ": unknown key \"" + key + "\" (known: " + String.join(", ", sorted(KEYS)) + ")");
            }
            settings.put((String) key, new Setting(fileValueAsText((String) key, value, source), source));
        });
    }

    private static String fileValueAsText(String key, Object value, String source) {
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String text)) throw new ConfigException(source + ": " + key + " must be a list of strings");
                items.add(text);
            }
            return String.join(",", items);
        }
        if (value instanceof Double number && number == Math.rint(number) && Math.abs(number) < 1e15) {
            return Long.toString(number.longValue());
        }
        if (value == null) throw new ConfigException(source + ": " + key + " must not be null");
        return value.toString();
    }

    private static ServerConfig from(Map<String, Setting> settings) {
        Reader read = new Reader(settings);
        boolean pub = read.bool("pub", false);
        String publicHost = read.text("public-host", null);
        if (pub && publicHost == null) {
            throw new ConfigException("public-host is required with pub: the host name newcomers reach this pub at "
                    + "(set --public-host, CONCH_PUBLIC_HOST or \"public-host\" in " + FILE_NAME + ")");
        }
        int maxConnections = read.integer("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000);
        // by default a small total cap also caps each address, rather than refusing to start
        int maxPerAddress = read.integer("max-connections-per-address", Math.min(maxConnections, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
                1, maxConnections);
        long blobMax = read.longInteger("blob-max-bytes", DEFAULT_BLOB_MAX_BYTES, 1, MAX_BLOB_MAX_BYTES);
        long blobQuota = read.longInteger("blob-quota-bytes", Math.max(DEFAULT_BLOB_QUOTA_BYTES, blobMax), blobMax, Long.MAX_VALUE);
        return new ServerConfig(
                read.text("host", DEFAULT_HOST),
                read.integer("port", DEFAULT_PORT, 0, 65535),
                read.text("http-host", DEFAULT_HTTP_HOST),
                read.integer("http-port", DEFAULT_HTTP_PORT, -1, 65535),
                read.integer("hops", DEFAULT_HOPS, 0, MAX_HOPS),
                read.addresses("connect"),
                read.networkKey("network-key"),
                pub, publicHost,
                read.text("name", null),
                read.bool("lan", !pub),
                maxConnections, maxPerAddress,
                read.integer("handshake-timeout", DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, MIN_HANDSHAKE_TIMEOUT_MILLIS,
                        MAX_HANDSHAKE_TIMEOUT_MILLIS),
                read.integer("max-streams-per-connection", DEFAULT_MAX_STREAMS_PER_CONNECTION, 1,
                        MAX_MAX_STREAMS_PER_CONNECTION),
                read.integer("max-unsent-bytes", DEFAULT_MAX_UNSENT_BYTES, GossipConfig.MIN_MAX_UNSENT_BYTES, Integer.MAX_VALUE),
                blobMax, blobQuota,
                read.integer("invite-max-uses", DEFAULT_INVITE_MAX_USES, 1, InviteTerms.MAX_USES),
                read.integer("invite-max-days", DEFAULT_INVITE_MAX_DAYS, 1, InviteTerms.MAX_VALIDITY_DAYS),
                read.integer("http-max-requests-per-second", DEFAULT_HTTP_MAX_REQUESTS_PER_SECOND, 0,
                        MAX_HTTP_MAX_REQUESTS_PER_SECOND),
                read.choice("log-format", DEFAULT_LOG_FORMAT, LogFormat.class),
                read.choice("log-level", DEFAULT_LOG_LEVEL, LogLevel.class),
                room(read));
    }

    /** The room settings when {@code room} is on; its name is {@code name}'s, else "conch room". */
    private static RoomConfig room(Reader read) {
        if (!read.bool("room", false)) return null;
        PrivacyMode mode = read.choice("room-mode", PrivacyMode.OPEN, PrivacyMode.class);
        return new RoomConfig(read.text("name", "conch room"), mode,
                read.integer("room-max-attendants", RoomConfig.DEFAULT_MAX_ATTENDANTS, 1, 1_000_000),
                read.integer("room-max-tunnels-per-attendant", RoomConfig.DEFAULT_MAX_TUNNELS_PER_ATTENDANT, 1, 10_000),
                read.longInteger("room-tunnel-bytes-per-second", RoomConfig.DEFAULT_TUNNEL_BYTES_PER_SECOND, 1024, 1L << 40),
                Duration.ofMillis(read.integer("room-stall-timeout", (int) RoomConfig.DEFAULT_STALL_TIMEOUT.toMillis(),
                        100, 3_600_000)));
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    /** Parses settings one key at a time, each error naming the key, its source and what is accepted. */
    private record Reader(Map<String, Setting> settings) {
        String text(String key, String fallback) {
            Setting setting = settings.get(key);
            if (setting == null) return fallback;
            if (setting.value().isBlank()) throw wrong(key, setting, "must not be empty");
            return setting.value().trim();
        }

        int integer(String key, int fallback, int min, int max) {
            return (int) longInteger(key, fallback, min, max);
        }

        long longInteger(String key, long fallback, long min, long max) {
            Setting setting = settings.get(key);
            if (setting == null) return fallback;
            try {
                long value = Long.parseLong(setting.value().trim());
                if (value >= min && value <= max) return value;
            } catch (NumberFormatException e) {
                // reported below with the accepted range
            }
            throw wrong(key, setting, "must be a whole number from " + min + " to " + max);
        }

        boolean bool(String key, boolean fallback) {
            Setting setting = settings.get(key);
            if (setting == null) return fallback;
            return switch (setting.value().trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw wrong(key, setting, "must be true or false");
            };
        }

        List<MultiserverAddress> addresses(String key) {
            Setting setting = settings.get(key);
            List<MultiserverAddress> addresses = new ArrayList<>();
            if (setting == null) return addresses;
            for (String part : setting.value().split(",")) {
                if (part.isBlank()) continue;
                try {
                    addresses.add(MultiserverAddress.parse(part.trim()));
                } catch (RuntimeException e) {
                    throw wrong(key, setting, "must be net:HOST:PORT~shs:KEY addresses; \"" + part.trim() + "\": " + e.getMessage());
                }
            }
            return addresses;
        }

        /** One of an enum's constants, by its name in any case: {@code json} for {@code JSON}. */
        <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
            Setting setting = settings.get(key);
            if (setting == null) return fallback;
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(setting.value().trim())) return constant;
            }
            List<String> accepted = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
            throw wrong(key, setting, "must be " + String.join(", ", accepted.subList(0, accepted.size() - 1))
                    + " or " + accepted.get(accepted.size() - 1));
        }

        byte[] networkKey(String key) {
            Setting setting = settings.get(key);
            if (setting == null) return null;
            try {
                byte[] bytes = Base64.getDecoder().decode(setting.value().trim());
                if (bytes.length == 32) return bytes;
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw wrong(key, setting, "must be the base64 of 32 bytes");
        }

        private static ConfigException wrong(String key, Setting setting, String accepted) {
            return new ConfigException(key + " " + accepted + ", got \"" + setting.value() + "\" (from " + setting.source() + ")");
        }
    }
}
