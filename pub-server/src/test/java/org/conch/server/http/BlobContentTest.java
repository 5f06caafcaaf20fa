package org.conch.server.http;

import org.conch.server.http.BlobContent.Range;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Content types by magic bytes (never text/html) and the Range header, without a server. */
class BlobContentTest {
    @Test
    void imagesAreRecognisedByTheirMagicBytesAndEverythingElseIsOctetStream() {
        assertThat(BlobContent.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0))).isEqualTo("image/png");
        assertThat(BlobContent.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0))).isEqualTo("image/jpeg");
        assertThat(BlobContent.sniff("GIF89a....".getBytes(StandardCharsets.US_ASCII))).isEqualTo("image/gif");
        assertThat(BlobContent.sniff("GIF87a".getBytes(StandardCharsets.US_ASCII))).isEqualTo("image/gif");
        assertThat(BlobContent.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII))).isEqualTo("image/webp");
        assertThat(BlobContent.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII))).isEqualTo(BlobContent.OCTET_STREAM);
        assertThat(BlobContent.sniff("<html><script>alert(1)</script>".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(BlobContent.OCTET_STREAM);
        assertThat(BlobContent.sniff("<svg xmlns=".getBytes(StandardCharsets.US_ASCII))).as("SVG can carry script").isEqualTo(BlobContent.OCTET_STREAM);
        assertThat(BlobContent.sniff(new byte[0])).isEqualTo(BlobContent.OCTET_STREAM);
        assertThat(BlobContent.sniff(bytes(0x89, 'P'))).isEqualTo(BlobContent.OCTET_STREAM);
    }

    @Test
    void oneByteRangeIsServedInItsThreeForms() {
        assertThat(BlobContent.range("bytes=10-19", 100).range()).contains(new Range(10, 10));
        assertThat(BlobContent.range("bytes=90-", 100).range()).contains(new Range(90, 10));
        assertThat(BlobContent.range("bytes=-5", 100).range()).contains(new Range(95, 5));
        assertThat(BlobContent.range("bytes=-500", 100).range()).contains(new Range(0, 100));
        assertThat(BlobContent.range("bytes=50-5000", 100).range()).as("clipped to the end").contains(new Range(50, 50));
        assertThat(new Range(10, 10).end()).isEqualTo(19);
    }

    @Test
    void aRangePastTheEndIsUnsatisfiableAndOddHeadersGetTheWholeBlob() {
        assertThat(BlobContent.range("bytes=100-", 100).satisfiable()).isFalse();
        assertThat(BlobContent.range("bytes=-0", 100).satisfiable()).isFalse();
        for (String whole : new String[] {null, "items=1-2", "bytes=1-2,5-6", "bytes=x-y", "bytes=9-3", "bytes=5"}) {
            BlobContent.RangeRequest request = BlobContent.range(whole, 100);
            assertThat(request.satisfiable()).as(whole).isTrue();
            assertThat(request.range()).as(whole).isEmpty();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) bytes[i] = (byte) values[i];
        return bytes;
    }
}
