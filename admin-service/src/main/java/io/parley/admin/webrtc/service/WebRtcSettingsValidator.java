package io.parley.admin.webrtc.service;

import io.parley.admin.error.AdminErrors;
import io.parley.admin.webrtc.model.BundlePolicy;
import io.parley.admin.webrtc.model.IceServer;
import io.parley.admin.webrtc.model.IceTransportPolicy;
import io.parley.admin.webrtc.model.WebRtcSettings;
import io.parley.admin.webrtc.model.WebRtcSettingsUpdate;
import io.parley.admin.webrtc.model.WebRtcSettingsUpdate.IceServerInput;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks WebRTC settings as sent by an administrator and turns them into the settings to store. Every problem
 * is reported at once, each as {@code field: what is wrong} with the field named as in the JSON
 * ({@code iceServers[2].urls[0]}), joined by "; " in one INVALID_PAYLOAD message; nothing is stored then.
 */
public final class WebRtcSettingsValidator {

    public static final int MAX_ICE_SERVERS = 20;
    public static final int MAX_URLS = 10;
    public static final int MAX_LENGTH = 512;
    public static final int MAX_POOL_SIZE = 10;

    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final String HOST = "(?:" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9A-Fa-f:.]+\\])";
    private static final String PORT = "(?::(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d\\d|6[0-4]\\d{3}|[1-5]\\d{4}|[1-9]\\d{0,3}))?";
    /** RFC 7064: {@code stun:host[:port]}, no query. */
    private static final Pattern STUN = Pattern.compile("stun:" + HOST + PORT);
    /** RFC 7065: {@code turn:host[:port][?transport=udp|tcp]}, also {@code turns:}. */
    private static final Pattern TURN = Pattern.compile("turns?:" + HOST + PORT + "(?:\\?transport=(?:udp|tcp))?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private WebRtcSettingsValidator() {
    }

    /**
     * The settings to store (with {@code version} as given), or a 400 naming every offending field.
     *
     * @param stored the settings now stored: a masked credential keeps the credential of the server with its id
     */
    public static WebRtcSettings validate(WebRtcSettingsUpdate update, WebRtcSettings stored, long version) {
        if (update == null) {
            throw AdminErrors.invalidPayload("body: required");
        }
        List<String> problems = new ArrayList<>();
        if (update.version() == null) {
            problems.add("version: required, the version you read");
        }
        List<IceServer> servers = iceServers(update.iceServers(), stored, problems);
        IceTransportPolicy transport = null;
        if (update.iceTransportPolicy() == null) {
            problems.add("iceTransportPolicy: required (all or relay)");
        } else {
            transport = IceTransportPolicy.parse(update.iceTransportPolicy()).orElse(null);
            if (transport == null) {
                problems.add("iceTransportPolicy: must be all or relay");
            }
        }
        BundlePolicy bundle = null;
        if (update.bundlePolicy() == null) {
            problems.add("bundlePolicy: required (balanced, max-compat or max-bundle)");
        } else {
            bundle = BundlePolicy.parse(update.bundlePolicy()).orElse(null);
            if (bundle == null) {
                problems.add("bundlePolicy: must be balanced, max-compat or max-bundle");
            }
        }
        Integer pool = update.iceCandidatePoolSize();
        if (pool == null) {
            problems.add("iceCandidatePoolSize: required (0 to " + MAX_POOL_SIZE + ")");
        } else if (pool < 0 || pool > MAX_POOL_SIZE) {
            problems.add("iceCandidatePoolSize: must be between 0 and " + MAX_POOL_SIZE);
        }
        if (update.useParleyTurn() == null) {
            problems.add("useParleyTurn: required (true or false)");
        }
        List<String> relayUrls = parleyTurnUrls(update.parleyTurnUrls(), Boolean.TRUE.equals(update.useParleyTurn()),
                problems);
        if (!problems.isEmpty()) {
            throw AdminErrors.invalidPayload(String.join("; ", problems));
        }
        return new WebRtcSettings(version, servers, transport, bundle, pool, update.useParleyTurn(), relayUrls);
    }

    private static List<IceServer> iceServers(List<IceServerInput> input, WebRtcSettings stored, List<String> problems) {
        if (input == null) {
            problems.add("iceServers: required (may be empty)");
            return List.of();
        }
        if (input.size() > MAX_ICE_SERVERS) {
            problems.add("iceServers: at most " + MAX_ICE_SERVERS + " ICE servers");
            return List.of();
        }
        Map<String, IceServer> storedById = stored.iceServers().stream()
                .collect(Collectors.toMap(IceServer::id, Function.identity(), (a, b) -> a));
        Set<String> ids = new HashSet<>();
        List<IceServer> servers = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            String field = "iceServers[" + i + "]";
            IceServerInput server = input.get(i);
            if (server == null) {
                problems.add(field + ": must be an object");
                continue;
            }
            String id = server.id();
            if (id != null && !ID.matcher(id).matches()) {
                problems.add(field + ".id: letters, digits and '-', at most 64");
            } else if (id != null && !ids.add(id)) {
                problems.add(field + ".id: used by another ICE server");
            }
            List<String> urls = urls(server.urls(), field + ".urls", problems);
            String username = text(server.username(), field + ".username", problems);
            String credential = text(server.credential(), field + ".credential", problems);
            if (IceServer.MASK.equals(credential)) {
                credential = Optional.ofNullable(id).map(storedById::get).map(IceServer::credential).orElse(null);
                if (credential == null) {
                    problems.add(field + ".credential: " + IceServer.MASK + " keeps a stored credential, but this ICE "
                            + "server has none stored; enter the credential");
                }
            }
            boolean turn = urls.stream().anyMatch(IceServer::isTurnUrl);
            if (turn && isBlank(username)) {
                problems.add(field + ".username: required with turn: and turns: URLs");
            }
            if (turn && isBlank(credential)) {
                problems.add(field + ".credential: required with turn: and turns: URLs");
            }
            servers.add(new IceServer(id == null ? UUID.randomUUID().toString() : id, urls,
                    isBlank(username) ? null : username, isBlank(credential) ? null : credential,
                    server.enabled() == null || server.enabled()));
        }
        return servers;
    }

    private static List<String> urls(List<String> urls, String field, List<String> problems) {
        if (urls == null || urls.isEmpty()) {
            problems.add(field + ": at least one URL");
            return List.of();
        }
        if (urls.size() > MAX_URLS) {
            problems.add(field + ": at most " + MAX_URLS + " URLs");
            return List.of();
        }
        List<String> valid = new ArrayList<>();
        for (int j = 0; j < urls.size(); j++) {
            String url = urls.get(j);
            String name = field + "[" + j + "]";
            if (url == null || url.isBlank()) {
                problems.add(name + ": required");
            } else if (url.length() > MAX_LENGTH) {
                problems.add(name + ": at most " + MAX_LENGTH + " characters");
            } else if (!url.startsWith("stun:") && !IceServer.isTurnUrl(url)) {
                problems.add(name + ": must be a stun:, turn: or turns: URL");
            } else if (!(url.startsWith("stun:") ? STUN : TURN).matcher(url).matches()) {
                problems.add(name + ": must look like " + (url.startsWith("stun:") ? "stun:host[:port]"
                        : "turn:host[:port][?transport=udp|tcp]"));
            } else {
                valid.add(url);
            }
        }
        return valid;
    }

    private static List<String> parleyTurnUrls(List<String> urls, boolean used, List<String> problems) {
        if (urls == null) {
            problems.add("parleyTurnUrls: required (may be empty when useParleyTurn is false)");
            return List.of();
        }
        if (urls.isEmpty()) {
            if (used) {
                problems.add("parleyTurnUrls: at least one URL when useParleyTurn is true");
            }
            return List.of();
        }
        List<String> valid = urls(urls, "parleyTurnUrls", problems);
        for (int j = 0; j < urls.size(); j++) {
            String url = urls.get(j);
            if (url != null && url.startsWith("stun:")) {
                problems.add("parleyTurnUrls[" + j + "]: must be a turn: or turns: URL");
            }
        }
        return valid;
    }

    private static String text(String value, String field, List<String> problems) {
        if (value != null && value.length() > MAX_LENGTH) {
            problems.add(field + ": at most " + MAX_LENGTH + " characters");
            return null;
        }
        return value;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
