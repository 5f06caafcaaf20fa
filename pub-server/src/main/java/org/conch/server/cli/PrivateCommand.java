package org.conch.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

@Command(name = "private",
        header = "List private conversations, or print one.",
        description = {
                "Without ROOT, lists the private conversations (box1) the local identity reads, newest first: root, "
                        + "unread and total messages, participants, and the newest message. With ROOT (%….sha256), "
                        + "prints that conversation's messages oldest first, opened. Needs a running conch serve, "
                        + "which keeps the index of private messages.",
                "Reply with conch publish --content '{\"type\":\"post\",\"text\":\"…\",\"root\":\"%…\"}': a reply in a "
                        + "private conversation is boxed for its recipients. With --json, prints the API's JSON."})
final class PrivateCommand extends VerbCommand {
    @Parameters(arity = "0..1", paramLabel = "ROOT", description = "A conversation's root message id.")
    private String root;

    @Override
    public Integer call() {
        ServerClient server = ServerClient.find(dataDirectory()).orElseThrow(() -> new CliException(
                "conch private needs a running conch serve (it keeps the index of private messages)", ExitCodes.FAILED));
        if (root == null) {
            Map<?, ?> list = (Map<?, ?>) server.get("/api/private");
            if (json()) {
                printJson(list);
                return ExitCodes.OK;
            }
            for (Object item : (List<?>) list.get("conversations")) {
                Map<?, ?> conversation = (Map<?, ?>) item;
                Map<?, ?> latest = (Map<?, ?>) conversation.get("latest");
                out().printf("%s  %d unread of %d  %s%n    %s%n", conversation.get("root"),
                        ((Number) conversation.get("unread")).intValue(), ((Number) conversation.get("messages")).intValue(),
                        names((List<?>) conversation.get("participants")), line(latest));
            }
            out().println(count(((List<?>) list.get("conversations")).size(), "conversation") + ", "
                    + ((Number) list.get("unread")).intValue() + " unread");
            return ExitCodes.OK;
        }
        if (!root.startsWith("%")) throw wrongArgument("ROOT must be a message id (%….sha256), got " + root);
        Map<?, ?> conversation = (Map<?, ?>) server.get("/api/private/" + URLEncoder.encode(root, StandardCharsets.UTF_8));
        if (json()) {
            printJson(conversation);
            return ExitCodes.OK;
        }
        out().println("between " + names((List<?>) conversation.get("participants")));
        for (Object message : (List<?>) conversation.get("messages")) out().println(line((Map<?, ?>) message));
        return ExitCodes.OK;
    }

    private static String names(List<?> participants) {
        return String.join(", ", participants.stream().map(item -> {
            Map<?, ?> about = (Map<?, ?>) item;
            return about.get("name") instanceof String name ? name + " (" + about.get("id") + ")" : String.valueOf(about.get("id"));
        }).toList());
    }

    /** {@code time  author: text} of an opened message. */
    private static String line(Map<?, ?> message) {
        Map<?, ?> value = (Map<?, ?>) message.get("value");
        Object author = message.get("name") instanceof String name ? name : value.get("author");
        Object text = value.get("content") instanceof Map<?, ?> content ? content.get("text") : null;
        String when = value.get("timestamp") instanceof Number timestamp ? Instant.ofEpochMilli(timestamp.longValue()).toString() : "";
        return when + "  " + author + ": " + (text == null ? "(no text)" : text);
    }
}
