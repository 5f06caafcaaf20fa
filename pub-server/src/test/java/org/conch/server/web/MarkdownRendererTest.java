package org.conch.server.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Markdown from other feeds is hostile: nothing in it may run, load from an odd scheme or break out of its markup. */
class MarkdownRendererTest {
    // Valid refs: the last base64 digit before '=' must leave the two unused bits zero.
    private static final String FEED = "@" + "B".repeat(42) + "E=.ed25519";
    private static final String MESSAGE = "%" + "C+/".repeat(14) + "E=.sha256";
    private static final String BLOB = "&" + "D".repeat(42) + "E=.sha256";

    private final MarkdownRenderer markdown = new MarkdownRenderer();

    @Test
    void ordinaryMarkdownRenders() {
        assertThat(markdown.render("**bold** and _it_\n\n- one\n- two"))
                .isEqualTo("<p><strong>bold</strong> and <em>it</em></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<script>window.pwned = 1</script>",
            "hello <script>window.pwned = 1</script> there",
            "<img src=x onerror=\"window.pwned=1\">",
            "<a href=\"javascript:alert(1)\">click</a>",
            "<div onmouseover=alert(1)>hover</div>",
            "<iframe src=\"https://example.com\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
    })
    void rawHtmlIsEscapedNeverPassedThrough(String hostile) {
        String html = markdown.render(hostile);
        assertThat(html).doesNotContain("<script", "<img", "<a ", "<div", "<iframe", "<svg");
        assertThat(html).contains("&lt;");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click]( javascript:alert(1) )",
            "[click](vbscript:msgbox(1))",
            "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[click](file:///etc/passwd)",
            "[click](//evil.example/x)",
            "[click](/api/publish)",
            "<javascript:alert(1)>",
            "[click][ref]\n\n[ref]: javascript:alert(1)",
    })
    void linksWithUnsafeSchemesKeepOnlyTheirText(String hostile) {
        String html = markdown.render(hostile);
        assertThat(html).doesNotContain("<a", "href");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "![x](javascript:alert(1))",
            "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
            "![x\" onerror=\"alert(1)](http://example.com/a.png)",
            "![x](http://example.com/a.png\" onerror=\"alert(1))",
    })
    void imagesLoadOnlyFromTheWebAndCannotAddAttributes(String hostile) {
        String html = markdown.render(hostile);
        // Once quoted attribute values are emptied, no tag may hold a handler (escaped text may say anything).
        String markup = html.replaceAll("\"[^\"]*\"", "\"\"");
        assertThat(markup).doesNotContainPattern("<[^>]*onerror");
        assertThat(html).doesNotContain("src=\"javascript:", "src=\"data:");
    }

    @Test
    void safeLinksStayAndOpenWithoutReferrer() {
        assertThat(markdown.render("[site](https://example.com/a?b=c) and <mailto:me@example.com>"))
                .contains("<a rel=\"nofollow noopener noreferrer\" href=\"https://example.com/a?b=c\" target=\"_blank\">site</a>")
                .contains("href=\"mailto:me@example.com\"");
        assertThat(markdown.render("![cat](https://example.com/cat.png)"))
                .contains("<img src=\"https://example.com/cat.png\" alt=\"cat\" referrerpolicy=\"no-referrer\" loading=\"lazy\" />");
    }

    @Test
    void refsBecomeClientRoutesInLinksAndInText() {
        String html = markdown.render("[@bob](" + FEED + ") see " + MESSAGE + " and [file](" + BLOB + ")");
        assertThat(html)
                .contains("<a rel=\"nofollow\" href=\"#/profile/%40" + "B".repeat(42) + "E%3D.ed25519\">@bob</a>")
                .contains("<a rel=\"nofollow\" href=\"#/thread/%25" + "C%2B%2F".repeat(14) + "E%3D.sha256\">" + MESSAGE + "</a>")
                .contains("<a rel=\"nofollow\" href=\"#/blob/%26" + "D".repeat(42) + "E%3D.sha256\">file</a>")
                .doesNotContain("target=");
    }

    @Test
    void bareUrlsAndAddressesBecomeLinksButBareUnsafeSchemesDoNot() {
        assertThat(markdown.render("see https://example.com/status, mail a@bob.example"))
                .contains("href=\"https://example.com/status\"", "href=\"mailto:a@bob.example\"");
        assertThat(markdown.render("javascript:alert(1) and data:text/html,x and ftp://example.com")).doesNotContain("<a", "href");
    }

    @Test
    void blobImagesLoadFromThisServer() {
        assertThat(markdown.render("![a shell](" + BLOB + ")")).isEqualTo("<p><img src=\"/blobs/%26" + "D".repeat(42)
                + "E%3D.sha256\" alt=\"a shell\" referrerpolicy=\"no-referrer\" loading=\"lazy\" /></p>\n");
        assertThat(markdown.render("![x](&not-a-blob.sha256)")).isEqualTo("<p>x</p>\n");
    }

    @Test
    void mentionsNamedInTheMessageLinkToTheirProfile() {
        String html = markdown.render("hi @bob and @nobody", Map.of("bob", FEED));
        assertThat(html).isEqualTo("<p>hi <a rel=\"nofollow\" href=\"#/profile/%40" + "B".repeat(42) + "E%3D.ed25519\">@bob</a>"
                + " and @nobody</p>\n");
    }

    @Test
    void aMentionThatNamesNoFeedStaysText() {
        assertThat(markdown.render("hi @bob", Map.of("bob", "javascript:alert(1)"))).isEqualTo("<p>hi @bob</p>\n");
    }
}
