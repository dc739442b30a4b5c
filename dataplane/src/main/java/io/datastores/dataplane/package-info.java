/**
 * The local data plane: real PostgreSQL servers on this machine, run from the control plane's events.
 * It executes, it never decides: {@code domain} works out what an event asks of the servers, {@code engine}
 * talks to them, {@code endpoint} is each instance's stable address, {@code tls} its certificates.
 */
package io.datastores.dataplane;
