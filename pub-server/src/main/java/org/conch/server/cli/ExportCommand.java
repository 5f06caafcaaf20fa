package org.conch.server.cli;

import org.conch.feed.FeedId;
import org.conch.feed.io.FeedExporter;
import org.conch.feed.store.H2FeedStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "export",
        header = "Write stored feeds to a JSON-lines file, for `conch import` elsewhere.",
        description = {
                "Writes the messages of one feed (--feed, in sequence order) or of every stored feed (in the "
                        + "order this store received them, which keeps each feed in order) to FILE as "
                        + "{\"key\",\"value\",\"timestamp\"} lines: feeds can then travel without a network, on a "
                        + "USB stick, and be loaded with `conch import FILE`.",
                "FILE is replaced whole or not at all. While a server runs for the data directory, it writes the "
                        + "file: a snapshot of everything stored when the export began."})
final class ExportCommand extends VerbCommand {
    @Option(names = "--feed", paramLabel = "@ID", converter = FeedIdConverter.class,
            description = "Export only this feed.")
    private FeedId feed;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to write.")
    private Path file;

    @Override
    public Integer call() {
        ServerClient server = ServerClient.find(dataDirectory()).orElse(null);
        if (server != null) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("file", file.toAbsolutePath().toString());
            if (feed != null) request.put("feed", feed.toString());
            Map<?, ?> written = (Map<?, ?>) server.post("/api/export", request);
            print(new FeedExporter.ExportSummary(Path.of((String) written.get("file")),
                    ((Double) written.get("messages")).longValue(), ((Double) written.get("feeds")).longValue()));
            return ExitCodes.OK;
        }
        FeedExporter.ExportSummary summary;
        try (H2FeedStore store = dataDirectory().openStore()) {
            FeedExporter exporter = new FeedExporter(store);
            if (feed == null) {
                summary = exporter.exportAll(file);
            } else {
                if (store.state(feed).isEmpty()) {
                    throw new CliException("no messages of " + feed + " in " + dataDirectory().root()
                            + ": nothing exported", ExitCodes.FAILED);
                }
                summary = exporter.exportFeed(feed, file);
            }
        }
        print(summary);
        return ExitCodes.OK;
    }

    private void print(FeedExporter.ExportSummary summary) {
        if (json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("file", summary.file().toString());
            result.put("messages", (double) summary.messages());
            result.put("feeds", (double) summary.feeds());
            printJson(result);
        } else {
            out().println("exported " + count(summary.messages(), "message") + " of " + count(summary.feeds(), "feed")
                    + " to " + summary.file());
        }
    }
}
