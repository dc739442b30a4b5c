package io.datastores.provisioning.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules of access an instance is published with (DOMAIN.md, "Connection limits" and "Access").
 */
public final class AccessRules {

    /** Open to the internet unless narrowed. */
    public static final List<String> DEFAULT_ALLOWLIST = List.of("0.0.0.0/0", "::/0");

    /** Always disabled on cache instances. */
    public static final List<String> CACHE_DISABLED_COMMANDS = List.of("bgrewriteaof", "cluster", "command",
            "debug", "failover", "migrate", "role", "slaveof", "acl", "bgsave", "config", "lastsave", "monitor",
            "replicaof", "save", "shutdown", "fcall", "fcall_ro", "function");

    /** Disabled on cache instances whose scripting setting is off. */
    public static final List<String> CACHE_SCRIPTING_COMMANDS = List.of("eval", "eval_ro", "evalsha",
            "evalsha_ro", "script");

    private AccessRules() {
    }

    /**
     * PostgreSQL: the plan's fixed limit. MySQL: {@code 75 x RAM + 1} under 4 GiB, else
     * {@code 100 x RAM + 1}. Cache: {@code 4 x memory in MB}, never fewer than 10,000.
     */
    public static int connectionLimit(Engine engine, Catalog.Plan plan) {
        return switch (engine) {
            case POSTGRESQL, POSTGRESQL_VECTOR -> plan.postgresConnections();
            case MYSQL -> (plan.ramGiB() < 4 ? 75 : 100) * plan.ramGiB() + 1;
            case CACHE -> Math.max(4 * plan.ramGiB() * 1024, 10_000);
        };
    }

    /** The effective command policy of a cache instance; null for databases. */
    public static InstanceEvent.CommandPolicy commandPolicy(Engine engine, boolean scriptingEnabled) {
        if (engine != Engine.CACHE) {
            return null;
        }
        List<String> disabled = new ArrayList<>(CACHE_DISABLED_COMMANDS);
        if (!scriptingEnabled) {
            disabled.addAll(CACHE_SCRIPTING_COMMANDS);
        }
        return new InstanceEvent.CommandPolicy(List.copyOf(disabled), scriptingEnabled);
    }

    /** The requested allow-list, or the internet when none is given. */
    public static List<String> effectiveAllowlist(List<String> requested) {
        return requested == null || requested.isEmpty() ? DEFAULT_ALLOWLIST : List.copyOf(requested);
    }
}
