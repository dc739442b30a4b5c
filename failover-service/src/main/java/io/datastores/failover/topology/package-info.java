/** The Kafka Streams wiring of failover-service. */
package io.datastores.failover.topology;
