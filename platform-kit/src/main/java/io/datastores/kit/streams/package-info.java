/** Kafka Streams building blocks: the decider shell, dead-letter routing, envelope metadata. */
package io.datastores.kit.streams;
