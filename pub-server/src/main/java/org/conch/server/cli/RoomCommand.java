package org.conch.server.cli;

import org.conch.server.invite.InviteLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.Map;

/**
 * {@code conch room invite create|list|revoke} and {@code conch room members}: a running room's HTTP invites
 * and members, through the server's HTTP API (the invite link names the server's HTTP address).
 */
@Command(name = "room",
        header = "A room's HTTP invites and members (needs `conch serve --room` running).",
        description = {"Room invites share the pub's invite store: `list` and `revoke` show and revoke both kinds. "
                + "A room's members are the feeds it follows; claiming an invite makes the room follow the newcomer."},
        subcommands = {RoomCommand.Invites.class, RoomCommand.Members.class})
final class RoomCommand extends VerbCommand {
    @Override
    public Integer call() {
        err().println("conch room: a verb is needed: invite or members (see 'conch room --help')");
        return ExitCodes.USAGE_OR_UNREADABLE;
    }

    static ServerClient runningRoom(VerbCommand verb) {
        return InviteCommand.runningServer(verb).orElseThrow(() -> new CliException(
                "conch room needs the room running: start `conch serve --room` for " + verb.dataDirectory().root(),
                ExitCodes.FAILED));
    }

    @Command(name = "invite", header = "Create, list and revoke the room's HTTP invites.",
            subcommands = {Create.class, InviteCommand.ListInvites.class, InviteCommand.Revoke.class})
    static final class Invites extends VerbCommand {
        @Override
        public Integer call() {
            err().println("conch room invite: a verb is needed: create, list or revoke");
            return ExitCodes.USAGE_OR_UNREADABLE;
        }
    }

    @Command(name = "create", header = "Create an HTTP invite and print its link (/join?invite=…).")
    static final class Create extends VerbCommand {
        @Mixin
        private InviteTermsOptions options;

        @Override
        public Integer call() {
            try {
                options.terms(InviteLimits.CEILINGS); // a running server checks its own limits
            } catch (IllegalArgumentException e) {
                throw wrongArgument(e.getMessage());
            }
            Map<?, ?> created = (Map<?, ?>) runningRoom(this).post("/api/room/invites", options.request());
            if (json()) printJson(created);
            else out().println(created.get("url"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "members", header = "List the room's members, one id a line.")
    static final class Members extends VerbCommand {
        @Override
        public Integer call() {
            List<?> members = (List<?>) runningRoom(this).get("/api/room/members");
            if (json()) printJson(members);
            else members.forEach(out()::println);
            return ExitCodes.OK;
        }
    }
}
