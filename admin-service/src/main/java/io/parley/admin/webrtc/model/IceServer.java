package io.parley.admin.webrtc.model;

import java.util.List;

/**
 * An ICE server as stored and as administrators edit it.
 *
 * @param id stable id given by the service; a PUT sends it back so a masked credential keeps the stored one
 * @param urls {@code stun:}, {@code turn:} or {@code turns:} URLs
 * @param username TURN username, or null
 * @param credential TURN credential, or null; {@link #MASK} in what administrators read
 * @param enabled whether clients get it
 */
public record IceServer(String id, List<String> urls, String username, String credential, boolean enabled) {

    /** What administrators read instead of a stored credential; sent back, it keeps the stored value. */
    public static final String MASK = "********";

    public IceServer {
        urls = List.copyOf(urls);
    }

    /** The server with its credential replaced by {@link #MASK} (when it has one). */
    public IceServer masked() {
        return new IceServer(id, urls, username, credential == null ? null : MASK, enabled);
    }

    /** Whether {@code url} is a TURN URL, which needs a username and credential. */
    public static boolean isTurnUrl(String url) {
        return url.startsWith("turn:") || url.startsWith("turns:");
    }
}
