package org.conch.feed.blob;

import org.conch.feed.BlobId;
import org.conch.feed.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file blob store: ssb-blobs' layout, atomic verified writes, the size limit and the quota. */
class BlobStoreTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    /** sha256("hello") = 2cf24dba…, as ssb-blobs names it. */
    private static final String HELLO_ID = "&LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=.sha256";

    @TempDir
    Path dir;

    @Test
    void aBlobIsStoredUnderItsHashInMultiblobsLayoutAndReadBack() throws Exception {
        BlobStore store = BlobStore.open(dir, 100, 1000);
        BlobId id = store.add(HELLO);
        assertThat(id.toString()).isEqualTo(HELLO_ID);
        assertThat(store.path(id)).isEqualTo(dir.resolve("sha256/2c/f24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
        assertThat(Files.readAllBytes(store.path(id))).isEqualTo(HELLO);
        assertThat(store.read(id)).isEqualTo(HELLO);
        assertThat(store.read(id, 1, 3)).isEqualTo("el".getBytes(StandardCharsets.US_ASCII));
        assertThat(store.size(id)).hasValue(5);
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.totalBytes()).isEqualTo(5);
        assertThat(BlobStore.open(dir, 100, 1000).size(id)).as("found again on reopen").hasValue(5);
    }

    @Test
    void bytesThatDoNotHashToTheExpectedIdAreRefusedAndNothingIsLeftBehind() throws Exception {
        BlobStore store = BlobStore.open(dir, 100, 1000);
        BlobId expected = BlobStore.idOf("other".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> store.add(expected, HELLO)).isInstanceOfSatisfying(BlobException.class,
                e -> assertThat(e.reason()).isEqualTo(BlobException.Reason.HASH_MISMATCH));
        assertThat(store.has(expected)).isFalse();
        assertThat(store.count()).isZero();
        assertThat(store.totalBytes()).isZero();
        assertThat(files()).isEmpty();
    }

    @Test
    void aBlobOverTheLimitIsRefused() {
        BlobStore store = BlobStore.open(dir, 4, 1000);
        assertThatThrownBy(() -> store.add(HELLO)).isInstanceOfSatisfying(BlobException.class, e -> {
            assertThat(e.reason()).isEqualTo(BlobException.Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains("blob-max-bytes").doesNotContain("\n");
        });
        assertThat(store.add("four".getBytes(StandardCharsets.US_ASCII))).as("at the limit is fine").isNotNull();
    }

    @Test
    void theQuotaCapsTheTotalAndDeletingFreesRoom() {
        BlobStore store = BlobStore.open(dir, 10, 12);
        BlobId first = store.add("aaaaa".getBytes(StandardCharsets.US_ASCII));
        store.add("bbbbb".getBytes(StandardCharsets.US_ASCII));
        assertThat(store.add("aaaaa".getBytes(StandardCharsets.US_ASCII))).as("a blob already stored costs nothing").isEqualTo(first);
        assertThatThrownBy(() -> store.add("ccccc".getBytes(StandardCharsets.US_ASCII))).isInstanceOfSatisfying(BlobException.class,
                e -> assertThat(e.reason()).isEqualTo(BlobException.Reason.OVER_QUOTA));
        assertThat(store.totalBytes()).isEqualTo(10);
        assertThat(store.delete(first)).isTrue();
        assertThat(store.totalBytes()).isEqualTo(5);
        assertThat(store.add("ccccc".getBytes(StandardCharsets.US_ASCII))).isNotNull();
        assertThat(store.count()).isEqualTo(2);
    }

    @Test
    void aWriteInterruptedBeforeTheRenameLeavesNoBlobAndIsCleanedUpOnOpen() throws Exception {
        BlobStore.open(dir, 100, 1000);
        // what a crash between writing the temporary file and renaming it leaves
        Files.write(dir.resolve("tmp").resolve("crashed.tmp"), HELLO);
        BlobStore reopened = BlobStore.open(dir, 100, 1000);
        assertThat(reopened.count()).isZero();
        assertThat(reopened.has(BlobId.parse(HELLO_ID))).isFalse();
        assertThat(files()).isEmpty();
    }

    @Test
    void listenersHearOfNewBlobsOnlyOnce() {
        BlobStore store = BlobStore.open(dir, 100, 1000);
        List<BlobStore.Added> heard = new ArrayList<>();
        store.subscribe(heard::add);
        store.add(HELLO);
        store.add(HELLO);
        assertThat(heard).containsExactly(new BlobStore.Added(BlobId.parse(HELLO_ID), 5));
    }

    @Test
    void blobRefsAreAboutImagesAndMentionedBlobs() {
        String a = "&" + "A".repeat(43) + "=.sha256";
        String b = "&" + "B".repeat(42) + "A=.sha256";
        assertThat(BlobRefs.of(Json.parse("{\"type\":\"about\",\"about\":\"@x\",\"image\":\"" + a + "\"}"))).extracting(String::valueOf).containsExactly(a);
        assertThat(BlobRefs.of(Json.parse("{\"type\":\"about\",\"image\":{\"link\":\"" + b + "\",\"size\":3}}"))).extracting(String::valueOf).containsExactly(b);
        assertThat(BlobRefs.of(Json.parse("{\"type\":\"post\",\"text\":\"x\",\"mentions\":[{\"link\":\"" + a + "\",\"name\":\"i.png\"},"
                + "{\"link\":\"@AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.ed25519\"},\"" + b + "\"]}"))).extracting(String::valueOf)
                .containsExactly(a, b);
        assertThat(BlobRefs.of(Json.parse("{\"type\":\"post\",\"image\":\"" + a + "\"}"))).as("image counts on abouts only").isEmpty();
        assertThat(BlobRefs.of("c2VjcmV0.box")).isEmpty();
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
