package io.datastores.kit.decider;

/**
 * An event that only moves its aggregate's state (failover's heartbeat recorded): nothing
 * downstream of the decider reads it and it is never published. The shell evolves the state with
 * it and forwards nothing, so it costs no metadata, no id and no downstream stage. Its place among
 * the events of one decision still counts for the ids of the others, which so stay as they were.
 */
public interface StateOnly {
}
