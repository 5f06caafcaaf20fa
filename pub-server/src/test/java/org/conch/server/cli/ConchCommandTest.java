package org.conch.server.cli;

import org.conch.feed.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI verbs of issue 2, run in-process as a user would type them. */
class ConchCommandTest {
    private static final String FEED_ID = "@[A-Za-z0-9+/]{43}=\\.ed25519";
    private static final String MESSAGE_KEY = "%[A-Za-z0-9+/]{43}=\\.sha256";

    @TempDir
    Path temp;

    private Path data;

    /** What one run of conch printed and returned. */
    record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    private Run conch(String... args) {
        return conchWithInput("", args);
    }

    private Run conchWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ConchCommand.newCommandLine(Map.of(),
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private String init(Path dataDirectory) {
        Run init = conch("init", "--data", dataDirectory.toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        return init.out().strip();
    }

    private String initDefault() {
        data = temp.resolve("data");
        return init(data);
    }

    @Test
    void init_creates_an_identity_that_whoami_prints() {
        String id = initDefault();

        Run whoami = conch("whoami", "--data", data.toString());

        assertThat(id).matches(FEED_ID);
        assertThat(whoami.out().strip()).isEqualTo(id);
        assertThat(Files.exists(data.resolve("secret"))).isTrue();
    }

    @Test
    void the_data_option_works_before_the_verb_too_and_json_gives_an_object() {
        String id = initDefault();

        Run whoami = conch("--data", data.toString(), "--json", "whoami");

        assertThat(Json.parseObject(whoami.out().strip())).containsEntry("id", id);
    }

    @Test
    void follow_unfollow_and_block_publish_contact_messages_in_the_local_feed() {
        String id = initDefault();
        String other = "@" + "A".repeat(42) + "E=.ed25519";

        Run follow = conch("follow", other, "--data", data.toString());
        Run unfollow = conch("unfollow", other, "--data", data.toString());
        Run block = conch("block", other, "--data", data.toString());
        Run self = conch("follow", id, "--data", data.toString());
        Run feed = conch("feed", id, "--data", data.toString());

        assertThat(List.of(follow, unfollow, block)).allSatisfy(run -> assertThat(run.exitCode()).as(run.err()).isZero());
        assertThat(self.exitCode()).isEqualTo(2);
        List<Object> contents = feed.outLines().stream()
                .map(line -> ((Map<?, ?>) Json.parseObject(line).get("value")).get("content")).map(Object.class::cast).toList();
        assertThat(contents).extracting(content -> org.conch.feed.json.CanonicalJson.compact(content)).containsExactly(
                "{\"type\":\"contact\",\"contact\":\"" + other + "\",\"following\":true}",
                "{\"type\":\"contact\",\"contact\":\"" + other + "\",\"following\":false}",
                "{\"type\":\"contact\",\"contact\":\"" + other + "\",\"blocking\":true}");
        assertThat(feed.outLines()).extracting(line -> Json.parseObject(line).get("key"))
                .containsExactly(follow.out().strip(), unfollow.out().strip(), block.out().strip());
    }

    @Test
    void init_twice_refuses_to_overwrite_the_secret_with_one_line() throws IOException {
        String id = initDefault();
        String secret = Files.readString(data.resolve("secret"));

        Run again = conch("init", "--data", data.toString());

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.errLines()).singleElement().asString()
                .startsWith("conch: " + data.resolve("secret") + " already exists (identity " + id + ")")
                .endsWith("refusing to overwrite an identity");
        assertThat(again.out()).isEmpty();
        assertThat(Files.readString(data.resolve("secret"))).isEqualTo(secret);
    }

    @Test
    void init_can_adopt_an_existing_ssb_secret() {
        String id = init(temp.resolve("first"));

        Run adopted = conch("init", "--data", temp.resolve("second").toString(),
                "--import-secret", temp.resolve("first").resolve("secret").toString());

        assertThat(adopted.exitCode()).isZero();
        assertThat(adopted.out().strip()).isEqualTo(id);
    }

    @Test
    void a_data_directory_without_identity_says_how_to_make_one() {
        Path empty = temp.resolve("empty");

        Run whoami = conch("whoami", "--data", empty.toString());

        assertThat(whoami.exitCode()).isEqualTo(1);
        assertThat(whoami.errLines()).containsExactly(
                "conch: no identity in " + empty + ": run `conch init --data " + empty + "` first");
        assertThat(Files.exists(empty)).as("nothing is created in a mistyped directory").isFalse();
    }

    @Test
    void a_post_published_with_type_and_text_is_listed_by_feed() {
        String id = initDefault();

        Run publish = conch("publish", "--data", data.toString(), "--type", "post", "--text", "hello, world");
        Run feed = conch("feed", "--data", data.toString(), id);

        assertThat(publish.exitCode()).as(publish.err()).isZero();
        String key = publish.out().strip();
        assertThat(key).matches(MESSAGE_KEY);
        assertThat(feed.exitCode()).as(feed.err()).isZero();
        Map<String, Object> kvt = Json.parseObject(feed.outLines().get(0));
        assertThat(kvt.keySet()).containsExactly("key", "value", "timestamp");
        assertThat(kvt.get("key")).isEqualTo(key);
        assertThat(((Map<?, ?>) ((Map<?, ?>) kvt.get("value")).get("content")).get("text")).isEqualTo("hello, world");
    }

    @Test
    void publish_private_boxes_the_text_for_the_recipients_and_yourself_before_signing() {
        String id = initDefault();
        org.conch.feed.Identity bob = org.conch.feed.Identity.generate();

        Run publish = conch("publish", "--data", data.toString(), "--private", bob.id().toString(), "--text", "for bob");
        Run tooMany = conch("publish", "--data", data.toString(), "--content",
                "{\"type\":\"post\",\"text\":\"x\",\"recps\":[\"%not-a-feed\"]}");
        Run feed = conch("feed", "--data", data.toString(), id);

        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).contains("recps must hold feed ids");
        Object content = ((Map<?, ?>) Json.parseObject(feed.outLines().get(0)).get("value")).get("content");
        assertThat(content).asString().endsWith(".box");
        assertThat(org.conch.feed.privatebox.PrivateContent.unbox((String) content, bob)).hasValueSatisfying(opened -> {
            assertThat(((Map<?, ?>) opened).get("text")).isEqualTo("for bob");
            assertThat(((Map<?, ?>) opened).get("recps")).isEqualTo(List.of(bob.id().toString(), id));
        });
        assertThat(conch("private", "--data", data.toString()).err()).contains("needs a running conch serve");
    }

    @Test
    void publish_takes_content_as_json() {
        String id = initDefault();

        Run publish = conch("publish", "--data", data.toString(), "--content", "{\"type\":\"vote\",\"vote\":{\"value\":1}}");
        Run feed = conch("feed", "--data", data.toString(), id);

        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(feed.out()).contains("\"type\":\"vote\"").contains(publish.out().strip());
    }

    @Test
    void publish_from_a_file_prints_one_key_per_line_in_order() throws IOException {
        String id = initDefault();
        Path contents = temp.resolve("posts.jsonl");
        Files.writeString(contents, """
                {"type":"post","text":"one"}
                {"type":"post","text":"two"}

                {"type":"post","text":"three"}
                """);

        Run publish = conch("publish", "--data", data.toString(), "--from", contents.toString());
        Run feed = conch("feed", "--data", data.toString(), id);

        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(publish.outLines()).hasSize(3).allMatch(line -> line.matches(MESSAGE_KEY));
        List<Object> feedKeys = new ArrayList<>();
        List<Object> texts = new ArrayList<>();
        for (String line : feed.outLines()) {
            Map<String, Object> kvt = Json.parseObject(line);
            feedKeys.add(kvt.get("key"));
            texts.add(((Map<?, ?>) ((Map<?, ?>) kvt.get("value")).get("content")).get("text"));
        }
        assertThat(feedKeys).containsExactlyElementsOf(publish.outLines());
        assertThat(texts).containsExactly("one", "two", "three");
    }

    @Test
    void publish_from_a_file_with_a_bad_line_publishes_nothing() throws IOException {
        String id = initDefault();
        Path contents = temp.resolve("posts.jsonl");
        Files.writeString(contents, "{\"type\":\"post\",\"text\":\"fine\"}\n{\"text\":\"no type\"}\n");

        Run publish = conch("publish", "--data", data.toString(), "--from", contents.toString());
        Run feed = conch("feed", "--data", data.toString(), id);

        assertThat(publish.exitCode()).isEqualTo(1);
        assertThat(publish.errLines()).containsExactly("conch: " + contents + " line 2: the content must have a \"type\" string");
        assertThat(feed.out()).isEmpty();
    }

    @Test
    void feed_honours_from_seq_and_limit() throws IOException {
        String id = initDefault();
        Path contents = temp.resolve("posts.jsonl");
        Files.writeString(contents, "{\"type\":\"post\",\"text\":\"1\"}\n".repeat(5));
        List<String> keys = conch("publish", "--data", data.toString(), "--from", contents.toString()).outLines();

        Run feed = conch("feed", "--data", data.toString(), "--from-seq", "2", "--limit", "2", id);

        assertThat(feed.outLines()).extracting(line -> Json.parseObject(line).get("key"))
                .containsExactly(keys.get(1), keys.get(2));
    }

    @Test
    void verify_exits_0_when_every_line_is_valid() throws IOException {
        Path file = publishedFeedFile(3);

        Run verify = conch("verify", file.toString());

        assertThat(verify.exitCode()).isZero();
        assertThat(verify.outLines()).hasSize(3)
                .allSatisfy(line -> assertThat(Json.parseObject(line)).containsEntry("valid", true));
        assertThat(Json.parseObject(verify.outLines().get(2))).containsEntry("line", 3.0);
    }

    @Test
    void verify_exits_1_when_some_lines_are_invalid_and_says_which() throws IOException {
        Path file = publishedFeedFile(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1); // a gap: the third message no longer follows
        Files.write(file, lines);

        Run verify = conch("verify", file.toString());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.outLines()).hasSize(2);
        Map<String, Object> second = Json.parseObject(verify.outLines().get(1));
        assertThat(second).containsEntry("line", 2.0).containsEntry("valid", false);
        assertThat((String) second.get("error")).contains(":3: sequence does not follow the feed's latest (expected 2)");
    }

    @Test
    void verify_exits_2_when_the_file_cannot_be_read() {
        Path missing = temp.resolve("missing.jsonl");

        Run verify = conch("verify", missing.toString());

        assertThat(verify.exitCode()).isEqualTo(2);
        assertThat(verify.errLines()).containsExactly("conch: cannot read " + missing + ": no such file or directory");
    }

    @Test
    void verify_reads_standard_input_for_a_dash() throws IOException {
        Path file = publishedFeedFile(2);

        Run verify = conchWithInput(Files.readString(file), "verify", "-");

        assertThat(verify.exitCode()).isZero();
        assertThat(verify.outLines()).hasSize(2);
    }

    @Test
    void an_unknown_option_is_one_line_on_stderr_and_a_usage_exit() {
        Run run = conch("whoami", "--bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("conch whoami: Unknown option: '--bogus' (see 'conch whoami --help')");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void a_bad_log_setting_stops_any_verb_with_one_line_naming_it() throws IOException {
        String id = initDefault();
        Run serve = conch("serve", "--data", data.toString(), "--log-format", "xml");
        Files.writeString(data.resolve("config.json"), "{\"log-level\": \"loud\"}");
        Run whoami = conch("whoami", "--data", data.toString());

        assertThat(whoami.exitCode()).isEqualTo(2);
        assertThat(whoami.out()).isEmpty();
        assertThat(whoami.errLines()).containsExactly("conch: log-level must be error, warn, info or debug, got \"loud\" (from "
                + data.resolve("config.json") + ")");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.errLines()).containsExactly("conch: log-format must be text or json, got \"xml\" (from --log-format)");
        Files.delete(data.resolve("config.json"));
        assertThat(conch("whoami", "--data", data.toString()).out().strip()).isEqualTo(id);
    }

    @Test
    void wrong_arguments_are_one_line_each() {
        initDefault();
        String[][] wrongArguments = {
                {"publish", "--data", data.toString()},
                {"publish", "--data", data.toString(), "--type", "post"},
                {"publish", "--data", data.toString(), "--content", "{oops"},
                {"publish", "--data", data.toString(), "--content", "{\"type\":\"post\"}", "--type", "post", "--text", "x"},
                {"feed", "--data", data.toString(), "@not-a-feed"},
                {"feed", "--data", data.toString()},
                {"verify"},
                {"nonsense"},
        };
        for (String[] args : wrongArguments) {
            Run run = conch(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.errLines()).as(String.join(" ", args)).hasSize(1);
        }
    }

    @Test
    void fsck_finds_a_store_healthy_and_repair_keeps_it_so() {
        initDefault();
        assertThat(conch("publish", "--data", data.toString(), "--type", "post", "--text", "one").exitCode()).isZero();
        assertThat(conch("publish", "--data", data.toString(), "--type", "post", "--text", "two").exitCode()).isZero();
        Run fsck = conch("fsck", "--data", data.toString());
        assertThat(fsck.exitCode()).as(fsck.err()).isZero();
        assertThat(fsck.out()).startsWith("store OK: 1 feed, 2 messages, 0 forks recorded");
        Run repaired = conch("--json", "fsck", "--repair", "--data", data.toString());
        assertThat(repaired.exitCode()).as(repaired.err()).isZero();
        assertThat(repaired.out()).contains("\"repaired\":true", "\"healthy\":true", "\"messages\":2", "\"problems\":[]");
    }

    @Test
    void fsck_names_a_damaged_log_record_by_feed_and_sequence() throws IOException {
        String id = initDefault();
        assertThat(conch("publish", "--data", data.toString(), "--type", "post", "--text", "one").exitCode()).isZero();
        assertThat(conch("publish", "--data", data.toString(), "--type", "post", "--text", "two").exitCode()).isZero();
        Path segment = data.resolve("store").resolve("log").resolve("00000000000000000000.log");
        Files.write(segment, flipped(Files.readAllBytes(segment), 60)); // in the first of the two records
        Run fsck = conch("fsck", "--data", data.toString());
        assertThat(fsck.exitCode()).isEqualTo(1);
        assertThat(fsck.out()).contains(id + ":1: its log record at offset 0 is damaged: the record's CRC does not match");
    }

    private static byte[] flipped(byte[] bytes, int at) {
        bytes[at] ^= 0x5a;
        return bytes;
    }

    @Test
    void status_without_a_server_shows_the_identity_and_the_store() {
        String id = initDefault();
        Run status = conch("status", "--data", data.toString());
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith(id + "  (no server running)").contains("store: 0 messages");
        Run connect = conch("connect", "--data", data.toString(), "net:127.0.0.1:8008~shs:" + id.substring(1, 45));
        assertThat(connect.exitCode()).isEqualTo(1);
        assertThat(connect.err()).startsWith("conch: no conch server is running for ");
    }

    @Test
    void blobs_add_get_and_gc_without_a_server() throws IOException {
        initDefault();
        Path kept = temp.resolve("kept.bin");
        Files.write(kept, new byte[] {0, (byte) 0xFF, 10, 13, 'x'});
        Path dropped = temp.resolve("dropped.txt");
        Files.writeString(dropped, "nobody mentions me");
        String keptId = conch("blobs", "add", kept.toString(), "--data", data.toString()).out().strip();
        String droppedId = conch("blobs", "add", dropped.toString(), "--data", data.toString()).out().strip();
        assertThat(keptId).isEqualTo(org.conch.feed.blob.BlobStore.idOf(Files.readAllBytes(kept)).toString());
        assertThat(Files.exists(data.resolve("blobs/sha256"))).isTrue();

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int exit = ConchCommand.run(new String[] {"blobs", "get", keptId, "--data", data.toString()}, Map.of(),
                new ByteArrayInputStream(new byte[0]), new java.io.PrintStream(bytes), new java.io.PrintStream(errors));
        assertThat(exit).as(errors.toString()).isZero();
        assertThat(bytes.toByteArray()).as("the bytes exactly, binary included").isEqualTo(Files.readAllBytes(kept));

        assertThat(conch("publish", "--content", "{\"type\":\"post\",\"text\":\"see\",\"mentions\":[{\"link\":\"" + keptId + "\"}]}",
                "--data", data.toString()).exitCode()).isZero();
        Run gc = conch("blobs", "gc", "--data", data.toString());
        assertThat(gc.out().strip()).as(gc.err()).isEqualTo("removed 1 blob (18 bytes), kept 1");
        Run gone = conch("blobs", "get", droppedId, "--data", data.toString());
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).startsWith("conch: blob " + droppedId + " is not stored here");
        assertThat(conch("status", "--data", data.toString()).out()).contains("blobs: 1 blob,");
        assertThat(conch("blobs", "get", "&nope", "--data", data.toString()).exitCode()).isEqualTo(2);
        assertThat(conch("blobs", "want", keptId, "--data", data.toString()).err()).startsWith("conch: no conch server is running");
    }

    @Test
    void every_verb_has_help() {
        for (String verb : List.of("init", "whoami", "publish", "feed", "verify", "export", "import", "fsck",
                "follow", "unfollow", "block", "serve", "status", "connect", "blobs")) {
            Run help = conch(verb, "--help");
            assertThat(help.exitCode()).as(verb).isZero();
            assertThat(help.out()).as(verb).startsWith("Usage: conch " + verb).contains("--data");
        }
        assertThat(conch("--help").out()).contains("init", "whoami", "publish", "feed", "verify", "export", "import");
    }

    @Test
    void export_then_import_into_a_second_data_directory_reproduces_the_feed() throws IOException {
        String id = initDefault();
        Path contents = temp.resolve("posts.jsonl");
        Files.writeString(contents, "{\"type\":\"post\",\"text\":\"a\"}\n{\"type\":\"post\",\"text\":\"b\"}\n");
        conch("publish", "--data", data.toString(), "--from", contents.toString());
        Path exported = temp.resolve("usb").resolve("feeds.jsonl");
        Path island = temp.resolve("island");
        init(island);

        Run export = conch("export", "--data", data.toString(), exported.toString());
        Run firstImport = conch("import", "--data", island.toString(), exported.toString());
        Run secondImport = conch("import", "--data", island.toString(), "--json", exported.toString());

        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out().strip()).isEqualTo("exported 2 messages of 1 feed to " + exported);
        assertThat(firstImport.exitCode()).as(firstImport.err()).isZero();
        assertThat(firstImport.out().strip())
                .isEqualTo("processed 2: stored 2, already present 0, forks recorded 0, refused 0");
        assertThat(Json.parseObject(secondImport.out().strip()))
                .containsEntry("stored", 0.0).containsEntry("duplicates", 2.0);
        assertThat(conch("feed", "--data", island.toString(), id).outLines())
                .isEqualTo(keysOnly(conch("feed", "--data", data.toString(), id).outLines(), island, id));
    }

    @Test
    void export_of_one_feed_that_is_not_stored_is_an_error() {
        initDefault();
        String other = init(temp.resolve("other"));

        Run export = conch("export", "--data", data.toString(), "--feed", other, temp.resolve("x.jsonl").toString());

        assertThat(export.exitCode()).isEqualTo(1);
        assertThat(export.errLines()).singleElement().asString().startsWith("conch: no messages of " + other);
        assertThat(Files.exists(temp.resolve("x.jsonl"))).isFalse();
    }

    @Test
    void import_lists_refused_lines_and_exits_1() throws IOException {
        initDefault();
        Path file = publishedFeedFile(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Files.write(file, lines);

        Run imported = conch("import", "--data", data.toString(), file.toString());

        assertThat(imported.exitCode()).isEqualTo(1);
        assertThat(imported.out().strip()).isEqualTo("processed 2: stored 1, already present 0, forks recorded 0, refused 1");
        assertThat(imported.errLines()).singleElement().asString()
                .startsWith("conch: line 2 refused: @").contains(":3: sequence does not follow");
    }

    /** The same messages as printed by the other store: keys equal, receive timestamps are each store's own. */
    private List<String> keysOnly(List<String> original, Path island, String id) {
        List<String> copy = conch("feed", "--data", island.toString(), id).outLines();
        assertThat(copy).extracting(line -> Json.parseObject(line).get("key"))
                .isEqualTo(original.stream().map(line -> Json.parseObject(line).get("key")).toList());
        assertThat(copy).extracting(line -> Json.parseObject(line).get("value"))
                .isEqualTo(original.stream().map(line -> Json.parseObject(line).get("value")).toList());
        return copy;
    }

    /** A file of a fresh feed's messages as `conch feed` prints them. */
    private Path publishedFeedFile(int messages) throws IOException {
        Path source = temp.resolve("source-" + messages);
        String id = init(source);
        Path contents = temp.resolve("contents-" + messages + ".jsonl");
        Files.writeString(contents, "{\"type\":\"post\",\"text\":\"hi\"}\n".repeat(messages));
        assertThat(conch("publish", "--data", source.toString(), "--from", contents.toString()).exitCode()).isZero();
        Path file = temp.resolve("feed-" + messages + ".jsonl");
        Files.writeString(file, conch("feed", "--data", source.toString(), id).out());
        return file;
    }

    @Test
    void invite_create_list_and_revoke_work_on_the_data_directory_without_a_server() throws Exception {
        String pubId = initDefault();
        java.nio.file.Files.writeString(data.resolve("config.json"), "{\"pub\": true, \"public-host\": \"pub.example.org\", \"port\": 8009}");

        Run created = conch("invite", "create", "--uses", "3", "--expires", "7d", "--note", "for the band", "--data", data.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.err()).doesNotContain("warning");
        org.conch.feed.ref.InviteCode code = org.conch.feed.ref.InviteCode.parse(created.out().strip());
        assertThat(code.host()).isEqualTo("pub.example.org");
        assertThat(code.port()).isEqualTo(8009);
        assertThat(code.pubKey().toString()).isEqualTo(pubId);
        assertThat(data.resolve("invites/invites.mv.db")).exists();
        String key = org.conch.feed.Identity.fromSeed(code.seed()).id().toString();

        Run list = conch("invite", "list", "--data", data.toString());
        assertThat(list.outLines()).singleElement().asString()
                .startsWith(key + "  0/3 used  live  expires ").endsWith("  for the band");
        Run json = conch("--json", "invite", "list", "--data", data.toString());
        assertThat(json.out()).contains("\"id\":\"" + key + "\"", "\"uses\":3", "\"status\":\"live\"");

        assertThat(conch("invite", "revoke", key, "--data", data.toString()).out()).isEqualTo("revoked " + key + "\n");
        assertThat(conch("invite", "list", "--data", data.toString()).out()).contains("  revoked  ");
        Run unknown = conch("invite", "revoke", pubId, "--data", data.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("conch: no invite has the key " + pubId + "\n");
    }

    @Test
    void invite_create_warns_when_not_a_pub_and_checks_its_arguments() {
        initDefault();
        Run created = conch("invite", "create", "--data", data.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).startsWith("127.0.0.1:8008:@");
        assertThat(created.errLines()).singleElement().asString().startsWith("conch: warning: not configured as a pub");

        Run badExpiry = conch("invite", "create", "--expires", "soon", "--data", data.toString());
        assertThat(badExpiry.exitCode()).isEqualTo(2);
        assertThat(badExpiry.err()).startsWith("conch invite create: expiry must be a number and d, h or m");
        Run badUses = conch("invite", "create", "--uses", "0", "--data", data.toString());
        assertThat(badUses.exitCode()).isEqualTo(2);
        assertThat(badUses.err()).startsWith("conch invite create: uses must be between 1 and");
    }

    @Test
    void invite_create_without_a_server_keeps_to_the_configured_limits() throws Exception {
        initDefault();
        Files.writeString(data.resolve("config.json"), "{\"invite-max-uses\": 500, \"invite-max-days\": 30}");
        Run tooMany = conch("invite", "create", "--uses", "1000", "--data", data.toString());
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).isEqualTo("conch invite create: uses must be between 1 and 500 (invite-max-uses), got 1000 (see 'conch invite create --help')\n");
        Run tooLong = conch("invite", "create", "--expires", "31d", "--data", data.toString());
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).isEqualTo("conch invite create: expiry must be between 1m and 30d (invite-max-days), got 31d (see 'conch invite create --help')\n");
        assertThat(data.resolve("invites/invites.mv.db")).as("nothing created").doesNotExist();
        Run within = conch("invite", "create", "--uses", "500", "--expires", "30d", "--data", data.toString());
        assertThat(within.exitCode()).as(within.err()).isZero();
        Run noVerb = conch("invite", "--data", data.toString());
        assertThat(noVerb.exitCode()).isEqualTo(2);
    }
}
