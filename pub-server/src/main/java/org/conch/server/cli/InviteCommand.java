package org.conch.server.cli;

import io.vertx.core.Vertx;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.ref.InvalidRefException;
import org.conch.feed.ref.InviteCode;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.net.GossipConfig;
import org.conch.server.invite.CreatedInvite;
import org.conch.server.invite.Invite;
import org.conch.server.invite.InviteAcceptor;
import org.conch.server.invite.InviteStore;
import org.conch.server.invite.InviteTerms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code conch invite create|list|revoke|accept}: the pub's invites, and redeeming one as a newcomer.
 */
@Command(name = "invite",
        header = "Create, list and revoke the pub's invites, or accept a pub's invite.",
        description = {
                "A pub hands out invite codes HOST:PORT:@PUB.ed25519~SEED; whoever redeems one with "
                        + "`conch invite accept` (or another Scuttlebutt client) is followed by the pub, which then "
                        + "replicates their feed."},
        subcommands = {InviteCommand.Create.class, InviteCommand.ListInvites.class, InviteCommand.Revoke.class,
                InviteCommand.Accept.class})
final class InviteCommand extends VerbCommand {
    @Override
    public Integer call() {
        err().println("conch invite: a verb is needed: create, list, revoke or accept (see 'conch invite --help')");
        return ExitCodes.USAGE_OR_UNREADABLE;
    }

    @Command(name = "create", header = "Create an invite and print its code.")
    static final class Create extends VerbCommand {
        @Option(names = "--uses", paramLabel = "N", description = "How many people may redeem it (default: ${DEFAULT-VALUE}).")
        private int uses = InviteTerms.DEFAULT_USES;

        @Option(names = "--expires", paramLabel = "DURATION", description = "Valid for this long: 7d, 12h or 30m (default: no expiry).")
        private String expires;

        @Option(names = "--note", paramLabel = "TEXT", description = "Published with the pub's follow of each newcomer.")
        private String note;

        @Override
        public Integer call() {
            InviteTerms terms;
            try {
                Duration validFor = expires == null ? null : InviteTerms.parseValidity(expires);
                terms = new InviteTerms(uses, validFor, note);
            } catch (IllegalArgumentException e) {
                throw wrongArgument(e.getMessage());
            }
            Identity identity = dataDirectory().identity();
            InviteEndpoint endpoint = InviteEndpoint.of(this);
            CreatedInvite created;
            try (InviteStore invites = dataDirectory().openInvites()) {
                created = invites.create(terms);
            }
            InviteCode code = created.code(endpoint.host(), endpoint.port(), identity.id());
            if (json()) {
                Map<String, Object> result = created.invite().toJson(Instant.now());
                result.put("code", code.toString());
                printJson(result);
            } else {
                out().println(code);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", header = "List the pub's invites: key, uses, status, expiry, note.")
    static final class ListInvites extends VerbCommand {
        @Override
        public Integer call() {
            List<Invite> all;
            try (InviteStore invites = dataDirectory().openInvites()) {
                all = invites.list();
            }
            Instant now = Instant.now();
            for (Invite invite : all) {
                if (json()) {
                    printJson(invite.toJson(now));
                } else {
                    out().println(invite.key() + "  " + invite.usedCount() + "/" + invite.totalUses() + " used  "
                            + invite.status(now).label()
                            + (invite.expires() == null ? "" : "  expires " + invite.expires())
                            + (invite.note() == null ? "" : "  " + invite.note()));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", header = "Revoke an invite: its code is refused from now on.")
    static final class Revoke extends VerbCommand {
        @Parameters(index = "0", paramLabel = "@INVITEKEY", converter = FeedIdConverter.class,
                description = "The invite's key, as `conch invite list` shows it.")
        private FeedId key;

        @Override
        public Integer call() {
            boolean revoked;
            try (InviteStore invites = dataDirectory().openInvites()) {
                revoked = invites.revoke(key);
            }
            if (!revoked) throw new CliException("no invite has the key " + key, ExitCodes.FAILED);
            if (json()) printJson(Map.of("revoked", key.toString()));
            else out().println("revoked " + key);
            return ExitCodes.OK;
        }
    }

    @Command(name = "accept", header = "Redeem a pub's invite: the pub follows you, and you follow it.",
            description = {"Dials the pub with the invite's key and asks it to follow the local identity, then "
                    + "publishes a follow of the pub and its address."})
    static final class Accept extends VerbCommand {
        private static final long TIMEOUT_SECONDS = 60;

        @Parameters(index = "0", paramLabel = "CODE", description = "HOST:PORT:@PUB.ed25519~SEED or net:HOST:PORT~shs:PUB:SEED.")
        private String code;

        @Override
        public Integer call() throws Exception {
            InviteCode invite = parseCode(code);
            Identity identity = dataDirectory().identity();
            if (invite.pubKey().equals(identity.id())) throw wrongArgument("that invite is for this identity's own pub");
            GossipConfig network = InviteEndpoint.network(this);
            Vertx vertx = Vertx.vertx();
            try {
                InviteAcceptor.redeem(vertx, network, invite, identity.id())
                        .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new CliException(e.getCause().getMessage(), ExitCodes.FAILED, e.getCause());
            } catch (TimeoutException e) {
                throw new CliException("the pub at " + invite.host() + ":" + invite.port() + " did not answer within "
                        + TIMEOUT_SECONDS + " s", ExitCodes.FAILED, e);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().join();
            }
            List<Message> published;
            try (H2FeedStore store = dataDirectory().openStore()) {
                published = store.publish(identity, InviteAcceptor.announcements(invite), SignCap.NONE);
            }
            report(invite, published);
            err().println("conch: `conch serve --connect " + invite.address() + "` replicates with the pub");
            return ExitCodes.OK;
        }

        private InviteCode parseCode(String text) {
            String trimmed = text.strip();
            // ssb clients hand codes out in quotes; so do people pasting them
            if (trimmed.length() > 1 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
                trimmed = trimmed.substring(1, trimmed.length() - 1);
            }
            try {
                return InviteCode.parse(trimmed);
            } catch (InvalidRefException e) {
                throw wrongArgument(e.getMessage());
            }
        }

        private void report(InviteCode invite, List<Message> published) {
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("pub", invite.pubKey().toString());
                result.put("address", invite.address().toString());
                result.put("published", published.stream().map(message -> (Object) message.key().toString()).toList());
                printJson(result);
            } else {
                out().println("accepted: " + invite.pubKey() + " at " + invite.host() + ":" + invite.port() + " follows you");
            }
        }
    }
}
