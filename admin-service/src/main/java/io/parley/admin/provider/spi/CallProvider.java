package io.parley.admin.provider.spi;

/**
 * A way of placing calls that Parley can offer, such as the built-in browser-to-browser WebRTC calls or a SIP
 * connector. Implementations are CDI beans (e.g. {@code @ApplicationScoped}) in the admin service or a jar on
 * its class path; each one found is listed for administrators, who enable or disable it, and the enabled ones
 * are announced on {@code parley.settings} and handed to clients.
 */
public interface CallProvider {

    /**
     * Stable id, the value clients send as {@code provider} when placing a call: lower-case letters, digits and
     * '-', at most 64 characters. Changing it loses the administrators' choice for the provider.
     */
    String id();

    /** Name shown to administrators and users. */
    String name();

    /** One sentence for the administrators' page. */
    String description();

    /**
     * Whether the provider is enabled until an administrator decides. Off unless overridden, so installing a
     * connector does not offer it to every user before someone configured it.
     */
    default boolean enabledByDefault() {
        return false;
    }
}
