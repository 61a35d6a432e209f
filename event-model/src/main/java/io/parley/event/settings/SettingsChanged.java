package io.parley.event.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The administrators' settings that other services act on, on the compacted topic
 * {@link io.parley.event.Topics#SETTINGS} under the single key {@link #KEY}: the latest record is the current
 * state. Published after every change and once when the admin service starts. ICE servers and their
 * credentials are not in it: clients read those per user from the admin service's client configuration.
 *
 * @param eventId unique per event
 * @param occurredAt when the change was made (for the start-up record: when it was published)
 * @param version settings revision, greater after every change; a record with a version not greater than
 *        one already applied is a repeat (the start-up record repeats the latest change's version)
 * @param providers every registered call provider with its enabled flag
 * @param changedBy user id (token subject) of the administrator who made the latest change; null (absent in
 *        JSON) before any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettingsChanged(String eventId, Instant occurredAt, long version, List<ProviderState> providers,
        String changedBy) {

    /** The record key: one key, so compaction keeps exactly the current settings. */
    public static final String KEY = "settings";

    /** Whether the provider with this id is registered and enabled; an unknown provider is not. */
    public boolean providerEnabled(String providerId) {
        return providers != null && providers.stream().anyMatch(p -> p.id().equals(providerId) && p.enabled());
    }
}
