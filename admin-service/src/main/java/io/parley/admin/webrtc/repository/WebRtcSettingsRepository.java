package io.parley.admin.webrtc.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.admin.webrtc.model.BundlePolicy;
import io.parley.admin.webrtc.model.IceServer;
import io.parley.admin.webrtc.model.IceTransportPolicy;
import io.parley.admin.webrtc.model.WebRtcSettings;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Loads and saves the WebRTC settings row. Runs in the caller's session or transaction. */
@ApplicationScoped
public class WebRtcSettingsRepository {

    private static final TypeReference<List<IceServer>> ICE_SERVERS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> URLS = new TypeReference<>() {
    };

    private final ObjectMapper json;

    public WebRtcSettingsRepository(ObjectMapper json) {
        this.json = json;
    }

    /** The saved settings, or empty when no administrator saved any yet. */
    public Uni<Optional<WebRtcSettings>> load() {
        return WebRtcSettingsRecord.<WebRtcSettingsRecord>findById(WebRtcSettingsRecord.ID)
                .map(row -> Optional.ofNullable(row).map(this::settings));
    }

    /** Saves {@code settings} as the one row, inserting it the first time. */
    public Uni<Void> save(WebRtcSettings settings, Instant at) {
        return WebRtcSettingsRecord.<WebRtcSettingsRecord>findById(WebRtcSettingsRecord.ID).chain(existing -> {
            WebRtcSettingsRecord row = existing == null ? new WebRtcSettingsRecord() : existing;
            row.id = WebRtcSettingsRecord.ID;
            row.iceServers = write(settings.iceServers());
            row.iceTransportPolicy = settings.iceTransportPolicy().value();
            row.bundlePolicy = settings.bundlePolicy().value();
            row.iceCandidatePoolSize = settings.iceCandidatePoolSize();
            row.useParleyTurn = settings.useParleyTurn();
            row.parleyTurnUrls = write(settings.parleyTurnUrls());
            row.version = settings.version();
            row.updatedAt = at;
            return existing == null ? row.persist().replaceWithVoid() : Uni.createFrom().voidItem();
        });
    }

    private WebRtcSettings settings(WebRtcSettingsRecord row) {
        try {
            return new WebRtcSettings(row.version, json.readValue(row.iceServers, ICE_SERVERS),
                    IceTransportPolicy.parse(row.iceTransportPolicy).orElseThrow(),
                    BundlePolicy.parse(row.bundlePolicy).orElseThrow(), row.iceCandidatePoolSize, row.useParleyTurn,
                    json.readValue(row.parleyTurnUrls, URLS));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable webrtc_settings row", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
