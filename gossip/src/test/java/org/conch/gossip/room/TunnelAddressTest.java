package org.conch.gossip.room;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.gossip.GossipException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunnelAddressTest {
    private final FeedId room = Identity.generate().id();
    private final FeedId target = Identity.generate().id();

    @Test
    void isWrittenAsSsbRoomClientWritesIt() {
        TunnelAddress address = new TunnelAddress(room, target);

        assertThat(address.toString()).isEqualTo("tunnel:" + room + ":" + target + "~shs:" + target.base64());
        assertThat(address.withoutKey()).isEqualTo("tunnel:" + room + ":" + target);
        assertThat(TunnelAddress.parse(address.toString())).isEqualTo(address);
        assertThat(TunnelAddress.parse(address.withoutKey())).isEqualTo(address);
    }

    @Test
    void refusesWhatIsNotATunnelToAFeed() {
        assertThatThrownBy(() -> TunnelAddress.parse("net:127.0.0.1:8008~shs:" + target.base64()))
                .isInstanceOf(GossipException.class).hasMessageContaining("not a tunnel address");
        assertThatThrownBy(() -> TunnelAddress.parse("tunnel:" + room)).isInstanceOf(GossipException.class);
        assertThatThrownBy(() -> TunnelAddress.parse("tunnel:" + room + ":@nope.ed25519")).isInstanceOf(GossipException.class);
        assertThatThrownBy(() -> TunnelAddress.parse("tunnel:" + room + ":" + target + "~shs:" + room.base64()))
                .hasMessageContaining("is not the target's");
    }
}
