package io.parley.admin.clientconfig.service;

import io.parley.admin.clientconfig.service.ClientConfig.Provider;
import io.parley.admin.clientconfig.service.ClientConfig.RtcConfiguration;
import io.parley.admin.clientconfig.service.ClientConfig.RtcIceServer;
import io.parley.admin.provider.service.ProviderService;
import io.parley.admin.provider.service.ProviderView;
import io.parley.admin.settings.repository.SettingsRevisionRecord;
import io.parley.admin.turn.service.TurnCredentialIssuer;
import io.parley.admin.webrtc.model.IceServer;
import io.parley.admin.webrtc.model.WebRtcSettings;
import io.parley.admin.webrtc.service.WebRtcSettingsService;
import io.parley.common.turn.TurnCredentials;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the effective configuration for one user from the current settings: enabled providers, enabled ICE
 * servers (a third-party TURN server's credential as the administrator entered it: it is the client's), and,
 * when Parley's relay is used, credentials minted for this user. Read on every request, so a change applies to
 * the next fetch without a restart.
 */
@ApplicationScoped
public class ClientConfigService {

    private final ProviderService providers;
    private final WebRtcSettingsService webrtc;
    private final TurnCredentialIssuer turn;

    public ClientConfigService(ProviderService providers, WebRtcSettingsService webrtc, TurnCredentialIssuer turn) {
        this.providers = providers;
        this.webrtc = webrtc;
        this.turn = turn;
    }

    public Uni<ClientConfig> forUser(String userId) {
        // One session, one query after the other: a reactive session runs one operation at a time.
        return Panache.withSession(() -> SettingsRevisionRecord.current()
                .chain(revision -> providers.enabled()
                        .chain(enabled -> webrtc.current().map(settings -> build(revision.version, enabled, settings, userId)))));
    }

    private ClientConfig build(long version, List<ProviderView> enabled, WebRtcSettings settings, String userId) {
        List<RtcIceServer> servers = new ArrayList<>();
        for (IceServer server : settings.iceServers()) {
            if (server.enabled()) {
                servers.add(new RtcIceServer(server.urls(), server.username(), server.credential()));
            }
        }
        TurnCredentials.Minted minted = null;
        if (settings.useParleyTurn() && !settings.parleyTurnUrls().isEmpty()) {
            try {
                minted = turn.mint(userId);
                servers.add(new RtcIceServer(settings.parleyTurnUrls(), minted.username(), minted.password()));
            } catch (IllegalArgumentException e) {
                // The coturn username "expiry:userId" cannot carry this id; the user still gets the other servers.
                Log.warnf("no Parley TURN credentials for user id '%s': %s", userId, e.getMessage());
            }
        }
        return new ClientConfig(version,
                enabled.stream().map(p -> new Provider(p.id(), p.name(), p.description())).toList(),
                new RtcConfiguration(servers, settings.iceTransportPolicy().value(), settings.bundlePolicy().value(),
                        settings.iceCandidatePoolSize()),
                minted == null ? null : minted.expiresAt());
    }
}
