package io.parley.event.settings;

/**
 * A call provider as the admin service announces it in {@link SettingsChanged}.
 *
 * @param id stable provider id, the value clients send as {@code provider} when placing a call (e.g. {@code webrtc})
 * @param name name to show
 * @param enabled whether calls may use it
 */
public record ProviderState(String id, String name, boolean enabled) {
}
