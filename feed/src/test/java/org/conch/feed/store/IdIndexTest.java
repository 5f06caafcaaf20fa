package org.conch.feed.store;

import org.conch.feed.store.IdIndex.IdPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class IdIndexTest {
    @TempDir
    Path dir;

    /** Positions from..through with random prefixes (seeded), as a store's batches give them. */
    private static List<IdPosition> ids(Random random, long from, long through) {
        List<IdPosition> ids = new ArrayList<>();
        for (long position = from; position <= through; position++) ids.add(new IdPosition(random.nextLong(), position));
        return ids;
    }

    private List<String> runFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyIdAddedIsFoundByItsPrefixAcrossBatchesMergesAndReopening() {
        Random random = new Random(7);
        List<IdPosition> all = new ArrayList<>();
        IdIndex index = IdIndex.open(dir);
        long through = 0;
        for (int batch = 0; batch < 40; batch++) {
            List<IdPosition> ids = ids(random, through + 1, through + 1 + random.nextInt(50));
            through = ids.get(ids.size() - 1).position();
            index.add(ids, through);
            all.addAll(ids);
        }
        assertThat(index.indexedThrough()).isEqualTo(through);
        assertThat(index.runCount()).as("runs of like size were merged").isLessThanOrEqualTo(12);
        for (IdPosition id : all) assertThat(index.positionsOf(id.prefix())).containsExactly(id.position());
        assertThat(index.positionsOf(random.nextLong())).isEmpty();

        IdIndex reopened = IdIndex.open(dir);
        assertThat(reopened.indexedThrough()).isEqualTo(through);
        for (IdPosition id : all) assertThat(reopened.positionsOf(id.prefix())).containsExactly(id.position());
    }

    @Test
    void idsSharingTheirFirstEightBytesAreAllFound() {
        IdIndex index = IdIndex.open(dir);
        index.add(List.of(new IdPosition(5, 1), new IdPosition(-3, 2), new IdPosition(5, 3)), 3);
        index.add(List.of(new IdPosition(5, 4), new IdPosition(Long.MAX_VALUE, 5)), 5); // merged with the first
        assertThat(index.runCount()).isEqualTo(1);
        assertThat(index.positionsOf(5)).containsExactlyInAnyOrder(1L, 3L, 4L);
        assertThat(index.positionsOf(-3)).containsExactly(2L);
        assertThat(index.positionsOf(Long.MAX_VALUE)).containsExactly(5L);
        assertThat(index.positionsOf(Long.MIN_VALUE)).isEmpty();
    }

    @Test
    void aMergeLeavesOneRunCoveringBothAndAMergesInputsLeftByACrashAreRemovedOnOpening() throws Exception {
        Random random = new Random(1);
        IdIndex index = IdIndex.open(dir);
        index.add(ids(random, 1, 10), 10);
        List<String> first = runFiles();
        byte[] firstRun = Files.readAllBytes(dir.resolve(first.get(0)));
        index.add(ids(random, 11, 20), 20);
        assertThat(runFiles()).containsExactly("ids-0000000000000001-0000000000000014.run");

        // As a crash between the merged run's rename and deleting its inputs leaves it.
        Files.write(dir.resolve(first.get(0)), firstRun);
        Files.write(dir.resolve("ids-0000000000000015-0000000000000020.run.tmp"), new byte[] {1, 2, 3});
        IdIndex reopened = IdIndex.open(dir);
        assertThat(runFiles()).containsExactly("ids-0000000000000001-0000000000000014.run");
        assertThat(reopened.indexedThrough()).isEqualTo(20);
    }

    @Test
    void aDamagedRunAndEveryRunAfterItAreDroppedSoThatTheirIdsAreIndexedAgain() throws Exception {
        Random random = new Random(2);
        IdIndex index = IdIndex.open(dir);
        index.add(ids(random, 1, 100), 100);
        index.add(ids(random, 101, 120), 120); // smaller than half: not merged
        index.add(ids(random, 121, 125), 125);
        assertThat(runFiles()).hasSize(3);

        Path middle = dir.resolve("ids-0000000000000065-0000000000000078.run");
        byte[] bytes = Files.readAllBytes(middle);
        bytes[bytes.length - 1] ^= 1;
        Files.write(middle, bytes);
        IdIndex reopened = IdIndex.open(dir);
        assertThat(reopened.indexedThrough()).as("the runs reach as far as they are whole and without a gap").isEqualTo(100);
        assertThat(runFiles()).containsExactly("ids-0000000000000001-0000000000000064.run");

        reopened.add(ids(random, 101, 125), 125);
        assertThat(reopened.indexedThrough()).isEqualTo(125);
    }

    @Test
    void aRunThatIsNotARunIsDroppedToo() throws Exception {
        Files.write(dir.resolve("ids-0000000000000001-0000000000000002.run"), new byte[] {1, 2, 3});
        assertThat(IdIndex.open(dir).indexedThrough()).isZero();
        assertThat(runFiles()).isEmpty();
    }
}
