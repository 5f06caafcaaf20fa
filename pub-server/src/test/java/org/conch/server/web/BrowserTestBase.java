package org.conch.server.web;

import org.conch.server.BlockedEventLoops;
import org.conch.server.ConchServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * What the web client's browser tests start with: a conch on loopback (its event loops under the blocked-loop
 * check, data in {@code work/conch}) and Debian's Chromium (its log in {@code work/browser.log}). A test class's
 * own {@code @BeforeEach} runs after this one's, its {@code @AfterEach} before this one's.
 */
abstract class BrowserTestBase {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    @TempDir
    Path work;

    ConchServer conch;
    Browser browser;
    /** The web client's address, ending in {@code /}. */
    String page;

    @BeforeEach
    void startConchAndBrowser() throws Exception {
        conch = loops.startOnLoopback(work.resolve("conch"));
        browser = Browser.start(work.resolve("browser.log"));
        page = "http://127.0.0.1:" + conch.httpPort() + "/";
    }

    @AfterEach
    void stopConchAndBrowser() {
        try {
            if (browser != null) browser.close();
        } finally {
            if (conch != null) conch.close();
        }
    }
}
