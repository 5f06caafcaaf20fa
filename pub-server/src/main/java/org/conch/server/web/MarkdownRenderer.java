package org.conch.server.web;

import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.UrlSanitizer;
import org.conch.feed.BlobId;
import org.conch.feed.FeedId;
import org.conch.feed.MessageId;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the markdown of posts from other feeds (untrusted) to HTML that is safe to put into the
 * page: raw HTML is escaped, links (bare URLs too) keep only http, https and mailto, Scuttlebutt refs become the
 * client's own routes ({@code #/profile/…}, {@code #/thread/…}, {@code #/blob/…}), images load only from
 * the web or, for blob refs, from this server's {@code /blobs/}, and any other link is reduced to its
 * text. Thread-safe.
 */
public final class MarkdownRenderer {
    /** A sigil ref anywhere in text: @feed, %message or &blob. */
    private static final Pattern REF = Pattern.compile("[@%&][A-Za-z0-9+/]{43}=\\.(?:ed25519|sha256)");
    /** {@code @name} as people write mentions; linked when the post's {@code mentions} name it. */
    private static final Pattern MENTION = Pattern.compile("(?<![\\w@])@([\\p{L}\\p{N}_.-]+)");
    private static final Pattern SAFE_SCHEME = Pattern.compile("^(?:https?|mailto):[^\\s\\p{Cntrl}]*$", Pattern.CASE_INSENSITIVE);
    private static final String CLIENT_ROUTE = "#/";
    /** Where the server serves a stored blob's bytes (BlobRoutes), under a policy that lets nothing run. */
    static final String BLOB_PATH = "/blobs/";

    /** Bare URLs and e-mail addresses become links too (then pass the same checks as any link). */
    private final Parser parser = Parser.builder().extensions(List.of(AutolinkExtension.create())).build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .escapeHtml(true)
            // The tree is cleaned before rendering; this is a second gate in case a node slipped through.
            .sanitizeUrls(true)
            .urlSanitizer(new OnlySafeUrls())
            .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                if (node instanceof Link link && !link.getDestination().startsWith(CLIENT_ROUTE)) {
                    attributes.put("rel", "nofollow noopener noreferrer");
                    attributes.put("target", "_blank");
                } else if (node instanceof Image) {
                    attributes.put("referrerpolicy", "no-referrer");
                    attributes.put("loading", "lazy");
                }
            })
            .build();

    /** Renders {@code markdown}; {@code mentions} maps the names of bare {@code @name} mentions to their feed ids. */
    public String render(String markdown, Map<String, String> mentions) {
        Node document = parser.parse(markdown);
        document.accept(new Cleaner(mentions));
        return renderer.render(document);
    }

    public String render(String markdown) {
        return render(markdown, Map.of());
    }

    /** The client's route for an ssb ref, or null when {@code text} is no ref. */
    static String routeOf(String text) {
        String encoded = URLEncoder.encode(text, StandardCharsets.UTF_8);
        if (FeedId.tryParse(text).isPresent()) return CLIENT_ROUTE + "profile/" + encoded;
        if (MessageId.tryParse(text).isPresent()) return CLIENT_ROUTE + "thread/" + encoded;
        if (BlobId.tryParse(text).isPresent()) return CLIENT_ROUTE + "blob/" + encoded;
        return null;
    }

    /** The destination a link may keep: a client route for refs, the URL itself for safe schemes, else null. */
    static String safeDestination(String destination) {
        String trimmed = destination.strip();
        String route = routeOf(trimmed);
        if (route != null) return route;
        return SAFE_SCHEME.matcher(trimmed).matches() ? trimmed : null;
    }

    /** Rewrites ref links to routes, unwraps unsafe links and images, and turns refs in text into links. */
    private static final class Cleaner extends AbstractVisitor {
        private final Map<String, String> mentions;

        Cleaner(Map<String, String> mentions) {
            this.mentions = mentions;
        }

        @Override
        public void visit(Link link) {
            String safe = safeDestination(link.getDestination());
            if (safe == null) {
                Node first = link.getFirstChild();
                unwrap(link);
                // The link's text still gets visited (a ref inside it may become a link of its own).
                for (Node node = first; node != null; ) {
                    Node next = node.getNext();
                    node.accept(this);
                    node = next;
                }
                return;
            }
            link.setDestination(safe);
            // No links inside links: text of a link is left as it is.
        }

        @Override
        public void visit(Image image) {
            String destination = image.getDestination().strip();
            if (BlobId.tryParse(destination).isPresent()) {
                image.setDestination(BLOB_PATH + URLEncoder.encode(destination, StandardCharsets.UTF_8));
                return;
            }
            String safe = safeDestination(destination);
            // Web images and blobs are shown; anything else becomes its alt text.
            if (safe == null || safe.startsWith(CLIENT_ROUTE)) {
                Text alt = new Text(altText(image));
                image.insertBefore(alt);
                image.unlink();
                return;
            }
            image.setDestination(safe);
        }

        @Override
        public void visit(Text text) {
            String literal = text.getLiteral();
            List<Node> pieces = new ArrayList<>();
            int last = 0;
            Matcher refs = REF.matcher(literal);
            while (refs.find()) {
                String route = routeOf(refs.group());
                if (route == null) continue;
                splitMentions(literal.substring(last, refs.start()), pieces);
                pieces.add(link(route, refs.group()));
                last = refs.end();
            }
            splitMentions(literal.substring(last), pieces);
            if (pieces.size() == 1 && pieces.get(0) instanceof Text) return;
            for (Node piece : pieces) text.insertBefore(piece);
            text.unlink();
        }

        private void splitMentions(String text, List<Node> pieces) {
            if (text.isEmpty()) return;
            int last = 0;
            Matcher names = MENTION.matcher(text);
            while (names.find()) {
                String feed = mentions.get(names.group(1));
                String route = feed == null ? null : routeOf(feed);
                if (route == null || !route.startsWith(CLIENT_ROUTE + "profile/")) continue;
                if (names.start() > last) pieces.add(new Text(text.substring(last, names.start())));
                pieces.add(link(route, names.group()));
                last = names.end();
            }
            if (last < text.length()) pieces.add(new Text(text.substring(last)));
        }

        private static Link link(String route, String label) {
            Link link = new Link(route, null);
            link.appendChild(new Text(label));
            return link;
        }

        private static void unwrap(Node node) {
            Node child = node.getFirstChild();
            while (child != null) {
                Node next = child.getNext();
                node.insertBefore(child);
                child = next;
            }
            node.unlink();
        }

        private static String altText(Image image) {
            StringBuilder alt = new StringBuilder();
            image.accept(new AbstractVisitor() {
                @Override
                public void visit(Text text) {
                    alt.append(text.getLiteral());
                }
            });
            return alt.toString();
        }
    }

    /** The renderer's own gate: client routes and safe schemes only. */
    private static final class OnlySafeUrls implements UrlSanitizer {
        @Override
        public String sanitizeLinkUrl(String url) {
            return url.startsWith(CLIENT_ROUTE) || SAFE_SCHEME.matcher(url).matches() ? url : "";
        }

        @Override
        public String sanitizeImageUrl(String url) {
            if (url.startsWith(BLOB_PATH) && BlobId.tryParse(URLDecoder.decode(url.substring(BLOB_PATH.length()), StandardCharsets.UTF_8)).isPresent()) {
                return url;
            }
            return url.toLowerCase(Locale.ROOT).startsWith("http") && SAFE_SCHEME.matcher(url).matches() ? url : "";
        }
    }
}
