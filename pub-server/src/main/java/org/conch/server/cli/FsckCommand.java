package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreCheck;
import org.conch.feed.store.StoreRepair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "fsck",
        header = "Check the store: every feed re-validates from sequence 1 with no gap, every id is found.",
        description = {
                "Reads every stored feed from sequence 1 and validates it as a peer would (signatures, the chain of "
                        + "previous links, no gap), checks that each message is found by its id and that the store's "
                        + "record of each feed's latest message agrees, that every record of the message log passes its "
                        + "CRC and that the indexes agree with the log, and counts the recorded forks. Prints each "
                        + "problem with its feed and sequence; exit status 0 when there is none, 1 when there are.",
                "--repair first rebuilds what the store derives from its message log (every index: positions, ids, "
                        + "threads, types), then checks. "
                        + "Messages missing from or damaged in the log itself cannot be rebuilt from it: replicate those "
                        + "feeds again from a peer.",
                "Needs the server for this data directory stopped. Progress goes to stderr."})
final class FsckCommand extends VerbCommand {
    @Option(names = "--repair", description = "Rebuild the indexes from the log before checking.")
    private boolean repair;

    @Override
    public Integer call() {
        DataDirectory data = dataDirectory();
        data.identity();
        if (ServerClient.find(data).isPresent()) {
            throw new CliException("a conch server is running for " + data.root() + ": stop it first (fsck reads the "
                    + "whole store and --repair rewrites its indexes)", ExitCodes.FAILED);
        }
        long started = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        if (repair) {
            StoreRepair.Result repaired = StoreRepair.rebuildIndexes(data.storeDirectory(),
                    read -> err().printf(Locale.ROOT, "conch: re-indexed %,d messages%n", read));
            result.put("repaired", true);
            result.put("repliesIndexed", (double) repaired.repliesIndexed());
            if (!json()) out().printf(Locale.ROOT, "rebuilt the indexes from %,d logged messages%n", repaired.messagesRead());
        }
        StoreCheck.Report report;
        try (H2FeedStore store = data.openStore()) {
            report = StoreCheck.run(store, SignCap.NONE, checked -> err().printf(Locale.ROOT, "conch: checked %,d messages%n", checked));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (json()) {
            result.put("healthy", report.healthy());
            result.put("feeds", (double) report.feeds());
            result.put("messages", (double) report.messages());
            result.put("forks", (double) report.forks());
            result.put("problemCount", (double) report.problemCount());
            List<Object> problems = new ArrayList<>();
            for (StoreCheck.Problem problem : report.problems()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("feed", problem.feed());
                item.put("sequence", (double) problem.sequence());
                item.put("problem", problem.what());
                problems.add(item);
            }
            result.put("problems", problems);
            printJson(result);
        } else {
            for (StoreCheck.Problem problem : report.problems()) out().println(problem);
            String summary = String.format(Locale.ROOT, "%s, %s, %s recorded; %.1f s", count(report.feeds(), "feed"),
                    count(report.messages(), "message"), count(report.forks(), "fork"), seconds);
            if (report.healthy()) {
                out().println("store OK: " + summary);
            } else {
                out().println(count(report.problemCount(), "problem") + " found (" + summary + ")"
                        + (repair ? "" : "; `conch fsck --repair` rebuilds the indexes from the log"));
            }
        }
        return report.healthy() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
