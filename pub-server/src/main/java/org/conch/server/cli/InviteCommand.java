package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import io.vertx.core.Vertx;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.SignCap;
import org.conch.feed.ref.InvalidRefException;
import org.conch.feed.ref.InviteCode;
import org.conch.feed.store.H2FeedStore;
import org.conch.server.config.ServerConfig;
import org.conch.server.invite.InviteAcceptor;
import org.conch.server.invite.InviteLimits;
import org.conch.server.invite.InviteReplies;
import org.conch.server.invite.InviteStore;
import org.conch.server.invite.InviteTerms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code conch invite create|list|revoke|accept}: the pub's invites, and redeeming one as a newcomer.
 * With {@code conch serve} running for the data directory each verb asks it over the HTTP API (it holds
 * the databases); otherwise it opens them itself. Either way it prints from the same JSON replies.
 */
@Command(name = "invite",
        header = "Create, list and revoke the pub's invites, or accept a pub's invite.",
        description = {
                "A pub hands out invite codes HOST:PORT:@PUB.ed25519~SEED; whoever redeems one with "
                        + "`conch invite accept` (or another Scuttlebutt client) is followed by the pub, which then "
                        + "replicates their feed. Codes name the pub's --public-host and --port (see `conch serve --pub`)."},
        subcommands = {InviteCommand.Create.class, InviteCommand.ListInvites.class, InviteCommand.Revoke.class,
                InviteCommand.Accept.class})
final class InviteCommand extends VerbCommand {
    @Override
    public Integer call() {
        err().println("conch invite: a verb is needed: create, list, revoke or accept (see 'conch invite --help')");
        return ExitCodes.USAGE_OR_UNREADABLE;
    }

    /** The running server of the data directory, after checking the directory has an identity. */
    static Optional<ServerClient> runningServer(VerbCommand verb) {
        verb.dataDirectory().identity();
        return ServerClient.find(verb.dataDirectory());
    }

    @Command(name = "create", header = "Create an invite and print its code.")
    static final class Create extends VerbCommand {
        @Mixin
        private InviteTermsOptions options;

        @Override
        public Integer call() {
            // what no server accepts is refused here; a running server checks its own limits
            terms(InviteLimits.CEILINGS);
            Map<?, ?> created = (Map<?, ?>) runningServer(this).map(server -> server.post("/api/invites", options.request()))
                    .orElseGet(this::createHere);
            if (created.get("warning") != null) err().println("conch: warning: " + created.get("warning"));
            if (json()) printJson(created);
            else out().println(created.get("code"));
            return ExitCodes.OK;
        }

        private InviteTerms terms(InviteLimits limits) {
            try {
                return options.terms(limits);
            } catch (IllegalArgumentException e) {
                throw wrongArgument(e.getMessage());
            }
        }

        private Map<String, Object> createHere() {
            DataDirectory data = dataDirectory();
            ServerConfig config = ServerConfig.load(data.root(), conch().environment(), Map.of());
            InviteTerms terms = terms(config.inviteLimits());
            try (InviteStore invites = data.openInvites()) {
                return InviteReplies.created(invites.create(terms), config.inviteEndpoint(config.port()), data.identity().id());
            }
        }
    }

    @Command(name = "list", header = "List the pub's invites: key, uses, status, expiry, note.")
    static final class ListInvites extends VerbCommand {
        @Override
        public Integer call() {
            List<?> invites = (List<?>) runningServer(this).map(server -> server.get("/api/invites")).orElseGet(() -> {
                try (InviteStore store = dataDirectory().openInvites()) {
                    return InviteReplies.list(store.list());
                }
            });
            for (Object item : invites) {
                Map<?, ?> invite = (Map<?, ?>) item;
                if (json()) {
                    printJson(invite);
                    continue;
                }
                out().println(invite.get("id") + "  " + whole(invite.get("used")) + "/" + whole(invite.get("uses")) + " used  "
                        + invite.get("status")
                        + (invite.get("expires") == null ? "" : "  expires " + Instant.ofEpochMilli(whole(invite.get("expires"))))
                        + (invite.get("note") == null ? "" : "  " + invite.get("note")));
            }
            return ExitCodes.OK;
        }

        private static long whole(Object number) {
            return ((Double) number).longValue();
        }
    }

    @Command(name = "revoke", header = "Revoke an invite: its code is refused from now on.")
    static final class Revoke extends VerbCommand {
        @Parameters(index = "0", paramLabel = "@INVITEKEY", converter = FeedIdConverter.class,
                description = "The invite's key, as `conch invite list` shows it.")
        private FeedId key;

        @Override
        public Integer call() {
            Optional<ServerClient> server = runningServer(this);
            if (server.isPresent()) {
                server.get().delete("/api/invites/" + URLEncoder.encode(key.toString(), StandardCharsets.UTF_8));
            } else {
                try (InviteStore invites = dataDirectory().openInvites()) {
                    if (!invites.revoke(key)) throw new CliException("no invite has the key " + key, ExitCodes.FAILED);
                }
            }
            if (json()) printJson(Map.of("revoked", key.toString()));
            else out().println("revoked " + key);
            return ExitCodes.OK;
        }
    }

    @Command(name = "accept", header = "Redeem a pub's invite: the pub follows you, and you follow it.",
            description = {"Dials the pub with the invite's key and asks it to follow the local identity, then "
                    + "publishes a follow of the pub and its address. `conch serve` keeps connected to every pub the "
                    + "local feed announced this way and replicates with it (a running server starts at once)."})
    static final class Accept extends VerbCommand {
        private static final long TIMEOUT_SECONDS = 60;

        @Parameters(index = "0", paramLabel = "CODE", description = "HOST:PORT:@PUB.ed25519~SEED or net:HOST:PORT~shs:PUB:SEED.")
        private String code;

        @Override
        public Integer call() throws Exception {
            InviteCode invite = parseCode(code);
            Optional<ServerClient> server = runningServer(this);
            if (invite.pubKey().equals(dataDirectory().identity().id())) {
                throw wrongArgument("that invite is for this identity's own pub");
            }
            Map<?, ?> accepted = server.isPresent()
                    ? (Map<?, ?>) server.get().post("/api/invites/accept", Map.of("code", invite.toString()))
                    : acceptHere(invite);
            if (json()) {
                printJson(accepted);
            } else {
                out().println("accepted: " + invite.pubKey() + " at " + invite.host() + ":" + invite.port() + " follows you");
            }
            if (server.isEmpty()) {
                err().println("conch: `conch serve` will keep connected to the pub and replicate with it");
            }
            return ExitCodes.OK;
        }

        private Map<String, Object> acceptHere(InviteCode invite) throws Exception {
            DataDirectory data = dataDirectory();
            Identity identity = data.identity();
            ServerConfig config = ServerConfig.load(data.root(), conch().environment(), Map.of());
            Vertx vertx = Vertx.vertx();
            try (H2FeedStore store = data.openStore()) {
                return InviteAcceptor.accept(vertx, config.gossip(), invite, identity.id(),
                                // a few small messages: signing and appending them here is quick
                                contents -> vertx.executeBlocking(() -> store.publish(identity, contents, SignCap.NONE)))
                        .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new CliException(e.getCause().getMessage(), ExitCodes.FAILED, e.getCause());
            } catch (TimeoutException e) {
                throw new CliException("the pub at " + invite.host() + ":" + invite.port() + " did not answer within "
                        + TIMEOUT_SECONDS + " s", ExitCodes.FAILED, e);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().join();
            }
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
    }
}
