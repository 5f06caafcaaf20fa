package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.BlobId;
import org.conch.feed.blob.BlobException;
import org.conch.feed.blob.BlobStore;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.replication.FollowGraph;
import org.conch.server.api.BlobCollector;
import org.conch.server.config.ServerConfig;
import org.conch.server.api.ApiContract;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code conch blobs add|get|want|gc}: the blob store ({@code DATA/blobs/}). With {@code conch serve} running for
 * the data directory each verb goes through its HTTP API; otherwise add, get and gc open the blob store
 * themselves, and want says a server is needed.
 */
@Command(name = "blobs",
        header = "Add, get, want and collect blobs (files such as images that messages refer to).",
        description = {
                "A blob is named by the sha256 of its bytes, &<base64>.sha256. Blobs that messages of replicated "
                        + "feeds refer to (about images, mentions) are fetched from peers by themselves while "
                        + "`conch serve` runs; `conch blobs want` asks for any other."},
        subcommands = {BlobsCommand.Add.class, BlobsCommand.Get.class, BlobsCommand.Want.class, BlobsCommand.Gc.class})
final class BlobsCommand extends VerbCommand {
    @Override
    public Integer call() {
        err().println("conch blobs: a verb is needed: add, get, want or gc (see 'conch blobs --help')");
        return ExitCodes.USAGE_OR_UNREADABLE;
    }

    static String encoded(BlobId id) {
        return URLEncoder.encode(id.toString(), StandardCharsets.UTF_8);
    }

    static BlobId parse(VerbCommand verb, String text) {
        return BlobId.tryParse(text).orElseThrow(() -> verb.wrongArgument("ID must be a blob id &<base64>.sha256, got " + text));
    }

    static ServerConfig config(VerbCommand verb) {
        return ServerConfig.load(verb.dataDirectory().root(), verb.conch().environment(), Map.of());
    }

    @Command(name = "add", header = "Store a file as a blob and print its id.")
    static final class Add extends VerbCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "The file to store (at most blob-max-bytes).")
        private Path file;

        @Override
        public Integer call() {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + org.conch.feed.io.IoErrors.describe(e), ExitCodes.USAGE_OR_UNREADABLE, e);
            }
            Map<?, ?> reply = InviteCommand.runningServer(this).<Map<?, ?>>map(server -> (Map<?, ?>) server.postBytes(ApiContract.BLOB_UPLOAD_PATH, bytes))
                    .orElseGet(() -> {
                        BlobStore blobs = dataDirectory().openBlobs(config(this));
                        Map<String, Object> added = new LinkedHashMap<>();
                        added.put("id", blobs.add(bytes).toString());
                        added.put("size", (double) bytes.length);
                        return added;
                    });
            if (json()) printJson(reply);
            else out().println(reply.get("id"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", header = "Write a stored blob's bytes to standard output.",
            description = "Exit 1 when the blob is not stored here (`conch blobs want ID` asks peers for it).")
    static final class Get extends VerbCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The blob id, &<base64>.sha256.")
        private String text;

        @Override
        public Integer call() throws IOException {
            BlobId id = parse(this, text);
            Optional<byte[]> bytes = InviteCommand.runningServer(this)
                    .map(server -> server.getBytes("/blobs/" + encoded(id)))
                    .orElseGet(() -> {
                        BlobStore blobs = dataDirectory().openBlobs(config(this));
                        return blobs.has(id) ? Optional.of(blobs.read(id)) : Optional.empty();
                    });
            if (bytes.isEmpty()) {
                err().println("conch: blob " + id + " is not stored here (try `conch blobs want " + id + "`)");
                return ExitCodes.FAILED;
            }
            OutputStream stdout = conch().binaryOut();
            stdout.write(bytes.get());
            stdout.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "want", header = "Ask the running server to fetch a blob from connected peers, and wait for it.",
            description = {"Waits up to --timeout seconds; exit 0 once the blob is stored, 1 if it did not come "
                    + "(with what the peers said about it). Needs `conch serve` running."})
    static final class Want extends VerbCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The blob id, &<base64>.sha256.")
        private String text;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long to wait (default: ${DEFAULT-VALUE}, at most " + ApiContract.MAX_BLOB_WANT_SECONDS + ").")
        private int timeout;

        @Override
        public Integer call() {
            BlobId id = parse(this, text);
            if (timeout < 0 || timeout > ApiContract.MAX_BLOB_WANT_SECONDS) {
                throw wrongArgument("--timeout must be 0 to " + ApiContract.MAX_BLOB_WANT_SECONDS + " seconds, got " + timeout);
            }
            DataDirectory data = dataDirectory();
            ServerClient server = InviteCommand.runningServer(this).orElseThrow(() -> new CliException(
                    "no conch server is running for " + data.root() + ": start one with `conch serve` first "
                            + "(want asks the running server's peers)", ExitCodes.FAILED));
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("id", id.toString());
            request.put("timeout", (double) timeout);
            Map<?, ?> reply = (Map<?, ?>) server.post("/api/blobs/want", request);
            boolean have = Boolean.TRUE.equals(reply.get("have"));
            if (json()) {
                printJson(reply);
            } else if (have) {
                out().println("have " + id + " (" + count(whole(reply.get("size")), "byte") + ")");
            } else {
                err().println("conch: " + id + " did not come within " + timeout + " s; " + whyNot(reply));
            }
            return have ? ExitCodes.OK : ExitCodes.FAILED;
        }

        private static String whyNot(Map<?, ?> reply) {
            List<?> offers = reply.get("offers") instanceof List<?> list ? list : List.of();
            long peers = whole(reply.get("peers"));
            if (offers.isEmpty()) return "none of the " + count(peers, "connected peer") + " has it";
            StringBuilder text = new StringBuilder();
            for (Object item : offers) {
                Map<?, ?> offer = (Map<?, ?>) item;
                long size = whole(offer.get("size"));
                text.append(text.isEmpty() ? "" : "; ").append(offer.get("peer")).append(" has it (").append(count(size, "byte"))
                        .append(size > whole(reply.get("maxBytes")) ? ", over blob-max-bytes " + whole(reply.get("maxBytes")) + ": refused" : "")
                        .append(")");
            }
            return text.toString();
        }
    }

    @Command(name = "gc", header = "Remove blobs that no stored message of a replicated feed refers to.",
            description = "Blobs referred to only by blocked feeds, or by feeds outside the replication hops, are removed too.")
    static final class Gc extends VerbCommand {
        @Override
        public Integer call() {
            Map<?, ?> reply = InviteCommand.runningServer(this).<Map<?, ?>>map(server -> (Map<?, ?>) server.post("/api/blobs/gc", Map.of()))
                    .orElseGet(this::collectHere);
            if (json()) printJson(reply);
            else out().println("removed " + count(whole(reply.get("removed")), "blob") + " (" + count(whole(reply.get("freedBytes")), "byte")
                    + "), kept " + whole(reply.get("kept")));
            return ExitCodes.OK;
        }

        private Map<String, Object> collectHere() {
            DataDirectory data = dataDirectory();
            ServerConfig config = config(this);
            BlobStore blobs = data.openBlobs(config);
            try (H2FeedStore store = data.openStore()) {
                FollowGraph graph = new FollowGraph();
                graph.load(store);
                BlobCollector.Result result = BlobCollector.collect(store, graph.replicationSet(data.identity().id(), config.hops()), blobs);
                Map<String, Object> reply = new LinkedHashMap<>();
                reply.put("removed", (double) result.removed());
                reply.put("freedBytes", (double) result.freedBytes());
                reply.put("kept", (double) result.kept());
                return reply;
            } catch (BlobException e) {
                throw new CliException(e.getMessage(), ExitCodes.FAILED, e);
            }
        }
    }

    static long whole(Object number) {
        return number instanceof Double value ? value.longValue() : 0;
    }
}
