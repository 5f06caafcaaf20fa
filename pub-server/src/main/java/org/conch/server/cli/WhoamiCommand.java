package org.conch.server.cli;

import picocli.CommandLine.Command;

import java.util.Map;

@Command(name = "whoami",
        header = "Print the id of the local identity.",
        description = "Prints the feed id (@….ed25519) of the identity in DIR/secret; with --json, {\"id\":\"@…\"}.")
final class WhoamiCommand extends VerbCommand {
    @Override
    public Integer call() {
        String id = dataDirectory().identity().id().toString();
        if (json()) printJson(Map.of("id", id));
        else out().println(id);
        return ExitCodes.OK;
    }
}
