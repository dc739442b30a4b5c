/** Consume, decide, produce: the Kafka Streams wiring of backup-service. */
package io.datastores.backup.topology;
