package org.conch.server.cli;

import org.conch.feed.SignCap;
import org.conch.feed.io.FeedImporter;
import org.conch.feed.io.FeedImporter.ImportSummary;
import org.conch.feed.io.FeedImporter.LineReport;
import org.conch.feed.io.IoErrors;
import org.conch.feed.store.H2FeedStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "import",
        header = "Validate and store the messages of a JSON-lines file.",
        description = {
                "Reads FILE as `conch export` writes it ({\"key\",\"value\",\"timestamp\"} lines; bare message "
                        + "values work too), validates every message and stores the valid ones in file order.",
                "Messages already stored are skipped, so importing a file again changes nothing. A different "
                        + "message where the store already has one is recorded as a fork. A message that does not "
                        + "follow its feed (a gap), or is invalid, is refused; each refused line is listed on stderr "
                        + "with its reason.",
                "Progress goes to stderr every " + ImportCommand.PROGRESS_EVERY + " messages; the totals to stdout "
                        + "(with --json as one object)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:every message was stored or already present (forks included)",
                "1:some lines were refused, or an error",
                "2:FILE cannot be read (or a wrong argument)"})
final class ImportCommand extends VerbCommand {
    static final int PROGRESS_EVERY = 10_000;

    @Parameters(index = "0", paramLabel = "FILE", description = "The JSON-lines file to import.")
    private Path file;

    @Override
    public Integer call() {
        ImportSummary summary;
        try (H2FeedStore store = dataDirectory().openStore()) {
            summary = new FeedImporter(store, SignCap.NONE).importFrom(file, new ProgressReport(err()));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + IoErrors.describe(e), ExitCodes.USAGE_OR_UNREADABLE, e);
        }
        if (json()) {
            printJson(toJson(summary));
        } else {
            out().println("processed " + summary.processed() + ": stored " + summary.stored()
                    + ", already present " + summary.duplicates() + ", forks recorded " + summary.forks()
                    + ", refused " + summary.refused());
        }
        return summary.refused() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static Map<String, Object> toJson(ImportSummary summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("processed", (double) summary.processed());
        json.put("stored", (double) summary.stored());
        json.put("duplicates", (double) summary.duplicates());
        json.put("forks", (double) summary.forks());
        json.put("refused", (double) summary.refused());
        List<Object> refusals = new ArrayList<>();
        for (LineReport refusal : summary.refusals()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("line", (double) refusal.line());
            entry.put("reason", refusal.reason());
            refusals.add(entry);
        }
        json.put("refusals", refusals);
        return json;
    }

    /** Lines on stderr: each refused or forked line as it happens, and a progress line every PROGRESS_EVERY messages. */
    private static final class ProgressReport implements FeedImporter.Listener {
        private final PrintWriter err;
        private long nextReportAt = PROGRESS_EVERY;

        ProgressReport(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void progress(long processed, long stored) {
            if (processed < nextReportAt) return;
            err.println("conch: import: " + count(processed, "message") + " processed, " + stored + " stored");
            nextReportAt = (processed / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
        }

        @Override
        public void refused(LineReport refusal) {
            err.println("conch: line " + refusal.line() + " refused: " + refusal.reason());
        }

        @Override
        public void forked(LineReport fork) {
            err.println("conch: line " + fork.line() + " recorded as a fork: " + fork.reason());
        }
    }
}
