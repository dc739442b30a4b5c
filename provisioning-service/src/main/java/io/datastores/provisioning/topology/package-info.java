/** Consume, decide, produce: the Kafka Streams wiring of provisioning. */
package io.datastores.provisioning.topology;
