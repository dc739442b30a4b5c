/**
 * The running data plane: the process ({@link io.datastores.dataplane.run.LocalDataPlane}), the loop that
 * reads the control plane's events and writes the data plane's, the executor of planned steps, the
 * heartbeats, and the operator's HTTP API.
 */
package io.datastores.dataplane.run;
