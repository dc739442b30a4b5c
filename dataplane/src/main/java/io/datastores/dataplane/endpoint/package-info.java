/**
 * Each instance's stable endpoint: a TCP proxy in a process of its own (it outlives data-plane restarts)
 * that forwards to the current primary, refuses clients outside the allow-list, and can hold new
 * connections while a switchover runs.
 */
package io.datastores.dataplane.endpoint;
