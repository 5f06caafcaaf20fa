package org.conch.server.web;

import org.conch.testing.JsonLinesProcess;
import org.conch.testing.RealPeer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium driven by playwright-core (scripts/interop/browser.js), one page on a phone-sized
 * viewport. Every wait has a deadline inside the browser; nothing here sleeps.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long CALL_SECONDS = 60;
    private static final int MAX_TABS = 200;

    private final JsonLinesProcess process;

    private Browser(JsonLinesProcess process) {
        this.process = process;
    }

    static Browser start(Path log) throws IOException {
        Path interop = RealPeer.interopDirectory();
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(CHROMIUM + " is missing: scripts/test installs it (scripts/lib/install-browser.sh)");
        }
        if (!Files.isDirectory(interop.resolve("node_modules/playwright-core"))) {
            throw new IllegalStateException("playwright-core is not installed: run scripts/test (npm ci in " + interop + ")");
        }
        return new Browser(JsonLinesProcess.start(List.of("node", interop.resolve("browser.js").toString(),
                "--chromium", CHROMIUM.toString()), log, "browser"));
    }

    void open(String url) throws Exception {
        call("goto", Map.of("url", url));
    }

    /** Waits (in the browser, up to 20 s) until an element matching {@code selector} that contains {@code text} is visible. */
    void waitFor(String selector, String text) throws Exception {
        call("waitFor", text == null ? Map.of("selector", selector) : Map.of("selector", selector, "text", text));
    }

    void waitFor(String selector, String text, long timeoutMs) throws Exception {
        call("waitFor", Map.of("selector", selector, "text", text, "timeoutMs", (double) timeoutMs));
    }

    void click(String selector, String text) throws Exception {
        call("click", text == null ? Map.of("selector", selector) : Map.of("selector", selector, "text", text));
    }

    void fill(String selector, String value) throws Exception {
        call("fill", Map.of("selector", selector, "value", value));
    }

    /** Presses {@code key} (Tab, Enter, Space, …) on whatever has the focus, as a keyboard-only user does. */
    void key(String key) throws Exception {
        call("key", Map.of("key", key));
    }

    /** Types {@code text} into whatever has the focus. */
    void type(String text) throws Exception {
        call("type", Map.of("text", text));
    }

    /**
     * Presses Tab until the focus is on an element matching {@code selector}, as a keyboard-only user reaches a
     * control; fails when it is not reached within {@code MAX_TABS} presses (not reachable by keyboard).
     */
    void tabTo(String selector) throws Exception {
        String focused = "document.activeElement !== null && document.activeElement.matches(" + jsString(selector) + ")";
        for (int i = 0; i < MAX_TABS; i++) {
            if (Boolean.TRUE.equals(eval(focused))) return;
            key("Tab");
        }
        throw new AssertionError(selector + " was not reached with " + MAX_TABS + " presses of Tab");
    }

    private static String jsString(String text) {
        return org.conch.feed.json.CanonicalJson.compact(text);
    }

    /** Chooses {@code file} in the file input at {@code selector}, as a person picking it would. */
    void setFile(String selector, Path file) throws Exception {
        call("setFiles", Map.of("selector", selector, "files", java.util.List.of(file.toAbsolutePath().toString())));
    }

    Object eval(String expression) throws Exception {
        return call("eval", Map.of("expression", expression));
    }

    @SuppressWarnings("unchecked")
    List<String> texts(String selector) throws Exception {
        return (List<String>) call("texts", Map.of("selector", selector));
    }

    void screenshot(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        call("screenshot", Map.of("path", file.toAbsolutePath().toString()));
    }

    /** {@code {"pageErrors": […], "consoleErrors": […], "dialogs": […]}} seen since the start. */
    @SuppressWarnings("unchecked")
    Map<String, List<String>> problems() throws Exception {
        return (Map<String, List<String>>) call("problems", Map.of());
    }

    private Object call(String command, Map<String, Object> arguments) throws Exception {
        return process.call(command, arguments, CALL_SECONDS);
    }

    @Override
    public void close() {
        process.close();
    }
}
