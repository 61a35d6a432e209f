package io.parley.presence.directory.service;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.parley.presence.directory.client.KeycloakAdminClient;
import io.parley.presence.directory.client.KeycloakUser;
import io.parley.presence.directory.client.ServiceAccountToken;
import io.parley.presence.directory.kafka.UserProfilePublisher;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The users known to the identity provider (Keycloak's realm), read through its admin API. Every user
 * read is remembered and, when new or changed, published as a profile on {@code parley.users}; the
 * remembered users also answer searches while Keycloak cannot.
 */
@ApplicationScoped
public class Directory {

    private final KeycloakAdminClient keycloak;
    private final ServiceAccountToken token;
    private final UserProfilePublisher profiles;
    private final DirectoryConfig config;
    private final Map<String, DirectoryUser> known = new ConcurrentHashMap<>();

    public Directory(@RestClient KeycloakAdminClient keycloak, ServiceAccountToken token,
            UserProfilePublisher profiles, DirectoryConfig config) {
        this.keycloak = keycloak;
        this.token = token;
        this.profiles = profiles;
        this.config = config;
    }

    /** Users matching {@code search} (all when blank), at most {@code limit}. */
    public Uni<List<DirectoryUser>> search(String search, int limit) {
        String query = search == null || search.isBlank() ? null : search.trim();
        return withToken(auth -> keycloak.users(auth, config.realm(), query, 0, limit, false))
                .map(users -> remember(users))
                .onFailure(e -> !known.isEmpty()).recoverWithItem(e -> {
                    Log.warnf("directory: Keycloak search failed (%s); answering from the %d users synced before",
                            e.toString(), known.size());
                    return known.values().stream().filter(u -> query == null || u.matches(query))
                            .sorted(Comparator.comparing(DirectoryUser::username)).limit(limit).toList();
                });
    }

    /** One user, or 404 NOT_FOUND. */
    public Uni<DirectoryUser> find(String id) {
        return withToken(auth -> keycloak.user(auth, config.realm(), id))
                .map(user -> {
                    if (!DirectoryUser.isPerson(user)) {
                        throw notFound(id);
                    }
                    DirectoryUser found = DirectoryUser.of(user);
                    remember(found);
                    return found;
                })
                .onFailure(Directory::isNotFound).transform(e -> notFound(id))
                .onFailure(e -> !(e instanceof ApiException) && known.containsKey(id)).recoverWithItem(e -> {
                    Log.warnf("directory: Keycloak lookup of %s failed (%s); answering from the last sync", id,
                            e.toString());
                    return known.get(id);
                });
    }

    /** Reads every user page by page and publishes the new or changed ones; emits how many were read. */
    public Uni<Integer> syncAll() {
        return syncFrom(0, 0);
    }

    /** Users read so far (by syncs, searches and lookups). */
    public int knownUsers() {
        return known.size();
    }

    private Uni<Integer> syncFrom(int first, int count) {
        int size = config.syncPageSize();
        return withToken(auth -> keycloak.users(auth, config.realm(), null, first, size, false))
                .chain(page -> {
                    int read = count + remember(page).size();
                    return page.size() < size ? Uni.createFrom().item(read) : syncFrom(first + size, read);
                });
    }

    private List<DirectoryUser> remember(List<KeycloakUser> users) {
        List<DirectoryUser> people = users.stream().filter(DirectoryUser::isPerson).map(DirectoryUser::of).toList();
        people.forEach(this::remember);
        return people;
    }

    private void remember(DirectoryUser user) {
        DirectoryUser before = known.put(user.id(), user);
        if (!user.equals(before)) {
            profiles.publish(user);
        }
    }

    /** Calls Keycloak with the service account's token, once more with a fresh token if it was refused. */
    private <T> Uni<T> withToken(Function<String, Uni<T>> call) {
        return token.authorization().chain(auth -> call.apply(auth))
                .onFailure(e -> status(e) == 401).recoverWithUni(e -> {
                    token.forget();
                    return token.authorization().chain(auth -> call.apply(auth));
                });
    }

    private static boolean isNotFound(Throwable e) {
        return status(e) == 404;
    }

    private static int status(Throwable e) {
        return e instanceof WebApplicationException wae && wae.getResponse() != null ? wae.getResponse().getStatus()
                : -1;
    }

    private static ApiException notFound(String id) {
        return new ApiException(ErrorCode.NOT_FOUND, "no user " + id + " in the directory");
    }
}
