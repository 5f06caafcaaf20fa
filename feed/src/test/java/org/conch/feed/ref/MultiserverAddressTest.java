package org.conch.feed.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.conch.feed.FeedId;
import org.junit.jupiter.api.Test;

class MultiserverAddressTest {
    private static final String KEY = "gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=";
    private static final FeedId FEED = FeedId.parse("@" + KEY + ".ed25519");

    @Test
    void anIpv4AddressParsesIntoHostPortAndKey() {
        MultiserverAddress address = MultiserverAddress.parse("net:145.12.20.3:8080~shs:" + KEY);

        assertThat(address.host()).isEqualTo("145.12.20.3");
        assertThat(address.port()).isEqualTo(8080);
        assertThat(address.key()).isEqualTo(FEED);
        assertThat(address).hasToString("net:145.12.20.3:8080~shs:" + KEY);
    }

    @Test
    void anIpv6HostKeepsItsColonsAndTheLastFieldIsThePort() {
        String text = "net:fcbc:6c66:bcd4:d3b5:2a2a:60b3:9b86:498f:8008~shs:" + KEY;

        MultiserverAddress address = MultiserverAddress.parse(text);

        assertThat(address.host()).isEqualTo("fcbc:6c66:bcd4:d3b5:2a2a:60b3:9b86:498f");
        assertThat(address.port()).isEqualTo(8008);
        assertThat(address).hasToString(text);
        assertThat(MultiserverAddress.parse("net:::1:8008~shs:" + KEY).host()).isEqualTo("::1");
        assertThat(MultiserverAddress.parse("net:::ffff:10.0.0.1:8008~shs:" + KEY).host()).isEqualTo("::ffff:10.0.0.1");
    }

    @Test
    void aHostNameIsKeptAsWritten() {
        assertThat(MultiserverAddress.parse("net:pub.Example.org:8008~shs:" + KEY).host()).isEqualTo("pub.Example.org");
        assertThat(MultiserverAddress.parse("net:localhost:8008~shs:" + KEY).host()).isEqualTo("localhost");
    }

    @Test
    void theNetAddressIsPickedFromAListOfAddresses() {
        String both = "ws://pub.example.org:80~shs:" + KEY + ";net:pub.example.org:8008~shs:" + KEY;

        assertThat(MultiserverAddress.parse(both)).isEqualTo(new MultiserverAddress("pub.example.org", 8008, FEED));
    }

    @Test
    void aPortOutsideOneTo65535IsRefused() {
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:65536~shs:" + KEY))
                .isInstanceOf(InvalidRefException.class)
                .hasMessageContaining("port out of range: 65536");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:0~shs:" + KEY))
                .hasMessageContaining("port out of range: 0");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:99999999999999999999~shs:" + KEY))
                .hasMessageContaining("port out of range");
        assertThatThrownBy(() -> new MultiserverAddress("145.12.20.3", 70000, FEED))
                .hasMessageContaining("port out of range: 70000");
    }

    @Test
    void aPortThatIsNotDecimalIsRefused() {
        // ssb-ref would take these (it converts with JS's +port); a dialable port is plain digits.
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:0x1f~shs:" + KEY))
                .hasMessageContaining("port is not a number: \"0x1f\"");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:~shs:" + KEY))
                .hasMessageContaining("port is missing");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3~shs:" + KEY))
                .hasMessageContaining("net needs a host and a port");
    }

    @Test
    void aBadHostIsRefused() {
        assertThatThrownBy(() -> MultiserverAddress.parse("net:999.1.1.1:8008~shs:" + KEY))
                .hasMessageContaining("is not an IPv4 address");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:1:2:3:8008~shs:" + KEY))
                .hasMessageContaining("is not an IPv6 address");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:a..b:8008~shs:" + KEY))
                .hasMessageContaining("is not a valid host name");
        assertThatThrownBy(() -> MultiserverAddress.parse("net::8008~shs:" + KEY))
                .hasMessageContaining("host is empty");
    }

    @Test
    void theKeyMustBeCanonicalBase64Of32Bytes() {
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:8008~shs:" + KEY.replace("c=", "d=")))
                .hasMessageContaining("shs key: base64 is not canonical");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:8008~shs:"))
                .hasMessageContaining("shs has no key");
    }

    @Test
    void otherShapesSayWhatIsMissing() {
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:8008"))
                .hasMessageContaining("has no ~shs:KEY part");
        assertThatThrownBy(() -> MultiserverAddress.parse("onion:xyz.onion:8008~shs:" + KEY))
                .hasMessageContaining("unsupported transport \"onion\"");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:8008~noauth"))
                .hasMessageContaining("unsupported transform \"noauth\"");
        assertThatThrownBy(() -> MultiserverAddress.parse("145.12.20.3:8008:@" + KEY + ".ed25519"))
                .hasMessageContaining("not multiserver address syntax");
        assertThatThrownBy(() -> MultiserverAddress.parse("net:145.12.20.3:8008~shs:" + KEY + ":" + KEY))
                .hasMessageContaining("use InviteCode");
        assertThat(MultiserverAddress.tryParse("http://example.com")).isEmpty();
        assertThat(MultiserverAddress.tryParse(null)).isEmpty();
    }

    @Test
    void whatItWritesSsbRefReadsBack() {
        MultiserverAddress address = new MultiserverAddress("fcbc:6c66::498f", 8008, FEED);

        assertThat(SsbRefs.isAddress(address.toString())).isTrue();
        assertThat(SsbRefs.getKeyFromAddress(address.toString())).contains(FEED.toString());
        assertThat(SsbRefs.parseAddress(address.toString()))
                .contains(new Address("fcbc:6c66::498f", 8008, FEED.toString()));
    }
}
