package io.datastores.failover.domain;

/**
 * Why automatic failover resumed in a region: every held node was heard from again, or an operator
 * confirmed or dismissed the held suspicions.
 */
public enum Resumption {
    RECOVERED, CONFIRMED, DISMISSED
}
