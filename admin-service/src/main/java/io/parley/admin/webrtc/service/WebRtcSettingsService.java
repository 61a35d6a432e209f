package io.parley.admin.webrtc.service;

import io.parley.admin.error.AdminErrors;
import io.parley.admin.settings.service.SettingsChanges;
import io.parley.admin.settings.service.SettingsChanges.Applied;
import io.parley.admin.webrtc.model.WebRtcSettings;
import io.parley.admin.webrtc.model.WebRtcSettingsUpdate;
import io.parley.admin.webrtc.repository.WebRtcSettingsRepository;
import io.parley.common.identity.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Reads and replaces the WebRTC settings, with a version check, validation, audit and event. */
@ApplicationScoped
public class WebRtcSettingsService {

    /** The resource name in the audit. */
    public static final String RESOURCE = "webrtc-settings";

    private final WebRtcSettingsRepository repository;
    private final WebRtcDefaults defaults;
    private final SettingsChanges changes;

    public WebRtcSettingsService(WebRtcSettingsRepository repository, WebRtcDefaults defaults, SettingsChanges changes) {
        this.repository = repository;
        this.defaults = defaults;
        this.changes = changes;
    }

    /** The settings in force, credentials in clear: for building client configurations. Runs in the caller's session. */
    public Uni<WebRtcSettings> current() {
        return repository.load().map(saved -> saved.orElseGet(defaults::settings));
    }

    /** The settings as administrators read them, credentials masked. */
    public Uni<WebRtcSettings> read() {
        return Panache.withSession(this::current).map(WebRtcSettings::masked);
    }

    /** Replaces the settings if {@code update.version} is the current one; returns them as administrators read them. */
    public Uni<WebRtcSettings> replace(Caller who, WebRtcSettingsUpdate update) {
        return changes.apply(who, SettingsChanges.WEBRTC_SETTINGS, RESOURCE, revision -> current().chain(before -> {
            WebRtcSettings after = WebRtcSettingsValidator.validate(update, before, before.version() + 1);
            if (update.version() != before.version()) {
                return Uni.createFrom().failure(AdminErrors.conflict(RESOURCE, update.version(),
                        before.version()));
            }
            return repository.save(after, Instant.now())
                    .map(saved -> new Applied<>(before.masked(), after.masked(), after.masked()));
        }));
    }
}
