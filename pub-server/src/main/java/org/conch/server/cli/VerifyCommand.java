package org.conch.server.cli;

import org.conch.feed.SignCap;
import org.conch.feed.io.IoErrors;
import org.conch.feed.io.JsonLinesVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

@Command(name = "verify",
        header = "Validate a JSON-lines file of messages offline.",
        description = {
                "Checks every line of FILE as ssb-validate would: each line a signed message value or a "
                        + "{\"key\",\"value\",\"timestamp\"} object (whose key must be the message's id), feeds mixed, "
                        + "each feed starting at sequence 1 and in order.",
                "Prints one JSON line per line of the file: {\"line\":N,\"valid\":true,\"key\":\"%%…\"} or "
                        + "{\"line\":N,\"valid\":false,\"error\":\"…\"}. An invalid message is not counted as part "
                        + "of its feed, so the feed continues from its last valid message. Blank lines are skipped "
                        + "(no output, line numbers still count them).",
                "Needs no data directory. FILE - reads standard input."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:every line is valid",
                "1:some lines are invalid",
                "2:FILE cannot be read (or a wrong argument)"})
final class VerifyCommand extends VerbCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The JSON-lines file, or - for standard input.")
    private Path file;

    @Override
    public Integer call() {
        JsonLinesVerifier verifier = new JsonLinesVerifier(SignCap.NONE);
        JsonLinesVerifier.Summary summary;
        try {
            if (file.toString().equals("-")) {
                summary = verifier.verify(new InputStreamReader(conch().stdin(), StandardCharsets.UTF_8),
                        result -> out().println(result.toJson()));
            } else {
                summary = verifier.verify(file, result -> out().println(result.toJson()));
            }
        } catch (IOException e) {
            out().flush(); // the lines verified before the failure stay in order before the error
            throw new CliException("cannot read " + file + ": " + IoErrors.describe(e), ExitCodes.USAGE_OR_UNREADABLE, e);
        }
        if (!json()) {
            out().flush();
            err().println("conch: " + count(summary.checked(), "line") + " checked: " + summary.valid() + " valid, "
                    + summary.invalid() + " invalid");
        }
        return summary.allValid() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
