/**
 * Avro in Confluent's wire format against a Confluent-compatible schema registry, byte-compatible
 * with Confluent's KafkaAvroSerializer, with a {@code mock://scope} registry for tests.
 */
package io.datastores.kit.serde;
