package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.FeedException;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.io.IoErrors;
import org.conch.feed.json.Json;
import org.conch.feed.privatebox.PrivateBoxException;
import org.conch.feed.privatebox.PrivateContent;
import org.conch.feed.store.H2FeedStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

@Command(name = "publish",
        header = "Sign and append messages to the local feed, and print their keys.",
        description = {
                "Signs a message with the local identity, appends it to the local feed and prints its key (%%….sha256).",
                "Give the content as --content JSON (an object with a \"type\", e.g. "
                        + "'{\"type\":\"post\",\"text\":\"hi\"}'), as --type post --text hi, or as --from FILE: "
                        + "one content object per line, published in order, one key printed per line. Blank lines "
                        + "are skipped, and every line is checked before anything is published.",
                "With --private @A,@B (or a content with \"recps\") the message is private (box1): boxed for those "
                        + "feeds and yourself (1 to 7 in all) before signing; --type defaults to post. Through a running "
                        + "server, a reply whose \"root\" is a private conversation is boxed for its recipients too.",
                "With --json, prints {\"key\",\"value\"} of each message instead of its key."})
final class PublishCommand extends VerbCommand {
    /** Contents signed and appended per transaction when publishing from a file. */
    private static final int BATCH_SIZE = 1_000;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private ContentSource source;

    @Option(names = "--private", paramLabel = "@FEED,…", split = ",",
            description = "Recipients of a private message (besides yourself): its content's recps.")
    private List<String> recipients;

    static final class ContentSource {
        @Option(names = "--content", paramLabel = "JSON", description = "The content, a JSON object with a \"type\".")
        String content;

        @ArgGroup(exclusive = false)
        TypeAndText typeAndText;

        @Option(names = "--from", paramLabel = "FILE", description = "A JSON-lines file of content objects.")
        Path from;
    }

    static final class TypeAndText {
        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "post", description = "The content type (default: post).")
        String type;

        @Option(names = "--text", paramLabel = "TEXT", required = true, description = "The text.")
        String text;
    }

    @Override
    public Integer call() {
        DataDirectory data = dataDirectory();
        Identity identity = data.identity();
        ServerClient server = ServerClient.find(data).orElse(null);
        if (source.from != null) {
            if (recipients != null) throw wrongArgument("--private goes with --text or --content; in --from, give each line its recps");
            checkEveryLine(source.from);
            if (server != null) {
                publishFileThrough(server, source.from);
                return ExitCodes.OK;
            }
            try (H2FeedStore store = data.openStore()) {
                publishFile(store, identity, source.from);
            }
            return ExitCodes.OK;
        }
        Object content = source.content != null ? parseContent(source.content) : typedContent(source.typeAndText);
        if (recipients != null) content = withRecipients(content);
        if (server != null) {
            printPublished(server.post("/api/publish", Map.of("content", content)));
            return ExitCodes.OK;
        }
        try (H2FeedStore store = data.openStore()) {
            print(store.publish(identity, sealed(content, identity), SignCap.NONE));
        }
        return ExitCodes.OK;
    }

    private Object withRecipients(Object content) {
        Map<String, Object> withRecps = new LinkedHashMap<>();
        ((Map<?, ?>) content).forEach((key, value) -> withRecps.put(String.valueOf(key), value));
        withRecps.put("recps", recipients.stream().map(String::strip).toList());
        return withRecps;
    }

    /**
     * Without a server, content with recps is boxed here; a reply does not inherit a private conversation's
     * recipients (the server keeps the index of private messages).
     */
    private Object sealed(Object content, Identity identity) {
        try {
            return PrivateContent.sealIfPrivate(content, identity.id(), root -> Optional.empty());
        } catch (PrivateBoxException e) {
            throw wrongArgument(e.getMessage());
        }
    }

    private Object parseContent(String json) {
        Object content;
        try {
            content = Json.parse(json);
        } catch (FeedException e) {
            throw wrongArgument("--content: " + e.getMessage());
        }
        String problem = org.conch.server.api.ContentRules.problem(content);
        if (problem != null) throw wrongArgument("--content: " + problem);
        return content;
    }

    private Map<String, Object> typedContent(TypeAndText typeAndText) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", typeAndText.type);
        content.put("text", typeAndText.text);
        String problem = org.conch.server.api.ContentRules.problem(content);
        if (problem != null) throw wrongArgument("--type: " + problem);
        return content;
    }

    /** A first pass, so that a bad line 900 does not leave 899 messages published. */
    private void checkEveryLine(Path file) {
        forEachContent(file, content -> {
        });
    }

    private void publishFile(H2FeedStore store, Identity identity, Path file) {
        List<Object> batch = new ArrayList<>(BATCH_SIZE);
        forEachContent(file, content -> {
            batch.add(content);
            if (batch.size() == BATCH_SIZE) {
                store.publish(identity, batch.stream().map(c -> sealed(c, identity)).toList(), SignCap.NONE).forEach(this::print);
                batch.clear();
            }
        });
        if (!batch.isEmpty()) store.publish(identity, batch.stream().map(c -> sealed(c, identity)).toList(), SignCap.NONE).forEach(this::print);
    }

    /** Through a running server: the same batches, each published atomically by it. */
    private void publishFileThrough(ServerClient server, Path file) {
        List<Object> batch = new ArrayList<>(BATCH_SIZE);
        forEachContent(file, content -> {
            batch.add(content);
            if (batch.size() == BATCH_SIZE) {
                ((List<?>) server.post("/api/publish", Map.of("contents", batch))).forEach(this::printPublished);
                batch.clear();
            }
        });
        if (!batch.isEmpty()) ((List<?>) server.post("/api/publish", Map.of("contents", batch))).forEach(this::printPublished);
    }

    /** A {@code {key, value}} the server replied. */
    private void printPublished(Object keyValue) {
        if (json()) {
            printJson(keyValue);
        } else {
            out().println(((Map<?, ?>) keyValue).get("key"));
        }
    }

    private static void forEachContent(Path file, Consumer<Object> action) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            long lineNumber = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) continue;
                Object content;
                try {
                    content = Json.parse(line);
                } catch (FeedException e) {
                    throw new CliException(file + " line " + lineNumber + ": " + e.getMessage(), ExitCodes.FAILED);
                }
                String problem = org.conch.server.api.ContentRules.problem(content);
                if (problem != null) throw new CliException(file + " line " + lineNumber + ": " + problem, ExitCodes.FAILED);
                action.accept(content);
            }
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + IoErrors.describe(e), ExitCodes.USAGE_OR_UNREADABLE, e);
        }
    }

    private void print(Message message) {
        if (json()) {
            Map<String, Object> keyValue = new LinkedHashMap<>();
            keyValue.put("key", message.key().toString());
            keyValue.put("value", message.value());
            printJson(keyValue);
        } else {
            out().println(message.key());
        }
    }
}
