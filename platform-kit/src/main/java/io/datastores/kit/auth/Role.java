package io.datastores.kit.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a token allows: viewers read, platform services also write, operators do everything, everywhere. */
public enum Role {
    VIEWER, PLATFORM, OPERATOR;

    /** The name a token's {@code roles} claim carries: {@code viewer}, {@code platform}, {@code operator}. */
    public String claim() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a claim names, or empty for a name that is none of ours (an identity provider's own). */
    public static Optional<Role> fromClaim(String name) {
        for (Role role : values()) {
            if (role.claim().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** Roles from names such as {@code viewer,platform}; an unknown name is an error. */
    public static Set<Role> parse(String names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names.split(",")) {
            if (!name.isBlank()) {
                roles.add(fromClaim(name).orElseThrow(() -> new IllegalArgumentException(
                        "not a role: '" + name.trim() + "' (viewer, platform or operator)")));
            }
        }
        return roles;
    }
}
