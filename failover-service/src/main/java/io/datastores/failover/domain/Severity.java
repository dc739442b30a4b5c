package io.datastores.failover.domain;

/**
 * A node's self-diagnosis: OK; MINOR (restarted in place, a loss once too many); SEVERE (a loss at
 * once).
 */
public enum Severity {
    OK, MINOR, SEVERE
}
