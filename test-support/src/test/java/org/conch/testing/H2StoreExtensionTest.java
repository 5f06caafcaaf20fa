package org.conch.testing;

import org.conch.feed.Identity;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.conch.testing.H2StoreExtension.OnDisk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(H2StoreExtension.class)
class H2StoreExtensionTest {
    private static final List<H2FeedStore> handedOut = new CopyOnWriteArrayList<>();

    @Test
    void eachParameterIsAFreshStoreOfItsOwn(H2FeedStore first, H2FeedStore second) {
        handedOut.addAll(List.of(first, second));
        first.publish(Identity.generate(), Map.of("type", "post", "text", "only in the first"), SignCap.NONE);
        assertThat(first.messageCount()).isEqualTo(1);
        assertThat(second.messageCount()).isZero();
    }

    @Test
    void anOnDiskStoreKeepsItsFilesInItsDirectory(@OnDisk H2FeedStore store) throws Exception {
        handedOut.add(store);
        store.publish(Identity.generate(), Map.of("type", "post", "text", "on disk"), SignCap.NONE);
        try (var files = Files.list(store.directory())) {
            assertThat(files).isNotEmpty();
        }
    }

    @AfterAll
    static void everyStoreWasClosedAndItsDirectoryRemovedAfterItsTest() {
        assertThat(handedOut).hasSize(3);
        for (H2FeedStore store : handedOut) {
            // An in-memory store has no directory; an on-disk one's is gone.
            if (store.directory() != null) assertThat(store.directory()).doesNotExist();
            assertThatThrownBy(() -> store.publish(Identity.generate(), Map.of("type", "post", "text", "late"), SignCap.NONE))
                    .as("a closed store refuses appends").hasMessageContaining("closed");
        }
    }
}
