package io.parley.event.call;

/**
 * One side of a call as people see it.
 *
 * @param id the identity provider's user id (token subject)
 * @param name display name
 * @param avatar avatar URL, or null
 */
public record Party(String id, String name, String avatar) {
}
