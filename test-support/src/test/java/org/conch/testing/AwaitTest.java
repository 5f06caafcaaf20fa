package org.conch.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwaitTest {
    @Test
    void returnsTheFirstValueThatIsEnough() {
        AtomicInteger reads = new AtomicInteger();
        int value = Await.until("three reads", Duration.ofSeconds(30), reads::incrementAndGet, n -> n >= 3);
        assertThat(value).isEqualTo(3);
    }

    @Test
    void failsAtTheDeadlineNamingWhatWasAwaitedAndTheLastValue() {
        assertThatThrownBy(() -> Await.until("the moon turns green", Duration.ofMillis(30), () -> "grey", "green"::equals))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("waiting until the moon turns green")
                .hasMessageContaining("last seen: grey");
    }

    @Test
    void aFailedAssertionInsideTheConditionEndsTheWaitAsItIs() {
        AssertionError died = new AssertionError("the server exited");
        assertThatThrownBy(() -> Await.until("the server answers", () -> {
            throw died;
        })).isSameAs(died);
    }

    @Test
    void aCheckedExceptionInsideTheConditionFailsNamingWhatWasAwaited() {
        assertThatThrownBy(() -> Await.until("the file is read", () -> {
            throw new IOException("disk gone");
        })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the file is read")
                .hasRootCauseInstanceOf(IOException.class);
    }
}
