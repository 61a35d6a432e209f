package io.parley.admin.provider.service;

/**
 * A change to one call provider.
 *
 * @param enabled whether calls may use it
 * @param version the provider's version as read; a stale one is refused with 409 CONFLICT
 */
public record ProviderUpdate(Boolean enabled, Long version) {
}
