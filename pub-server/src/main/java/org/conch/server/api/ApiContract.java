package org.conch.server.api;

/**
 * What the HTTP API and its client, the CLI verbs acting through a running server, agree on: the header that
 * carries the write token, paths and limits both sides check.
 */
public final class ApiContract {
    /** Every write under {@code /api} carries the data directory's api-token in this header. */
    public static final String TOKEN_HEADER = "X-Conch-Token";
    /** Most messages one {@code GET /api/feeds/:id} page returns. */
    public static final int MAX_FEED_PAGE = 1_000;
    /** Most contents one {@code POST /api/publish} may carry. */
    public static final int MAX_PUBLISH_BATCH = 1_000;
    /** {@code POST} the raw bytes of a blob here to store it. */
    public static final String BLOB_UPLOAD_PATH = "/api/blobs";
    /** How long {@code POST /api/blobs/want} waits for a blob when the request does not say. */
    public static final int DEFAULT_BLOB_WANT_SECONDS = 30;
    /** The longest {@code POST /api/blobs/want} may be asked to wait. */
    public static final int MAX_BLOB_WANT_SECONDS = 600;

    private ApiContract() {
    }
}
