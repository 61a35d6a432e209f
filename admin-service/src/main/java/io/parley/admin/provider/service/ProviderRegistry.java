package io.parley.admin.provider.service;

import io.parley.admin.provider.repository.ProviderStateRecord;
import io.parley.admin.provider.spi.CallProvider;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The call providers installed in this service (every {@link CallProvider} bean) combined with the
 * administrators' choices stored for them. Reads run in the caller's session or transaction.
 */
@ApplicationScoped
public class ProviderRegistry {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final Map<String, CallProvider> installed;

    public ProviderRegistry(@All List<CallProvider> providers) {
        Map<String, CallProvider> byId = new LinkedHashMap<>();
        // Built-in and default-on providers first, then by id: a stable order for pages and events.
        for (CallProvider provider : providers.stream().sorted(Comparator.comparing((CallProvider p) -> !p.enabledByDefault())
                .thenComparing(CallProvider::id)).toList()) {
            if (provider.id() == null || !ID.matcher(provider.id()).matches()) {
                throw new IllegalStateException("call provider " + provider.getClass().getName() + " has an invalid id '"
                        + provider.id() + "': lower-case letters, digits and '-', at most 64 characters");
            }
            CallProvider clash = byId.putIfAbsent(provider.id(), provider);
            if (clash != null) {
                throw new IllegalStateException("call providers " + clash.getClass().getName() + " and "
                        + provider.getClass().getName() + " both have the id '" + provider.id() + "'");
            }
        }
        this.installed = byId;
        Log.infof("call providers installed: %s", byId.keySet());
    }

    public Optional<CallProvider> find(String id) {
        return Optional.ofNullable(installed.get(id));
    }

    /** Every installed provider with its current state. */
    public Uni<List<ProviderView>> current() {
        return ProviderStateRecord.<ProviderStateRecord>listAll().map(rows -> {
            Map<String, ProviderStateRecord> states = rows.stream()
                    .collect(Collectors.toMap(r -> r.id, Function.identity()));
            return installed.values().stream().map(p -> view(p, states.get(p.id()))).toList();
        });
    }

    /** The provider as administrators see it; {@code state} null means never changed. */
    public static ProviderView view(CallProvider provider, ProviderStateRecord state) {
        return state == null
                ? new ProviderView(provider.id(), provider.name(), provider.description(), provider.enabledByDefault(), 0)
                : new ProviderView(provider.id(), provider.name(), provider.description(), state.enabled, state.version);
    }
}
