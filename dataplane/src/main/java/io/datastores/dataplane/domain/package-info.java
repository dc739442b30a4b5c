/**
 * What a control-plane event asks of this machine, decided without a server: the data plane's fleet,
 * the commands it reads, the steps it plans ({@link io.datastores.dataplane.domain.Rules}), the settings each
 * server gets, and what it reports. No Kafka, no JDBC, no processes here.
 */
package io.datastores.dataplane.domain;
