package io.datastores.kit.auth;

import java.util.Set;

/**
 * Who is calling: a subject, its roles, and the organization it is scoped to ({@code null} only for
 * operators, who see every organization).
 */
public record Caller(String subject, Set<Role> roles, String organization) {

    public boolean operator() {
        return roles.contains(Role.OPERATOR);
    }

    /** May write (platform or operator). */
    public boolean writes() {
        return operator() || roles.contains(Role.PLATFORM);
    }

    /** May see what belongs to {@code organizationId}. */
    public boolean sees(String organizationId) {
        return operator() || (organization != null && organization.equals(organizationId));
    }

    /** The organization requests are made for: null for an operator (every organization). */
    public String scope() {
        return operator() ? null : organization;
    }
}
