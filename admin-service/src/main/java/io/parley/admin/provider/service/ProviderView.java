package io.parley.admin.provider.service;

/**
 * A call provider as administrators see it.
 *
 * @param id stable id (e.g. {@code webrtc})
 * @param name name to show
 * @param description one sentence about it
 * @param enabled whether calls may use it
 * @param version send it back when changing the provider; 0 until the first change
 */
public record ProviderView(String id, String name, String description, boolean enabled, long version) {
}
