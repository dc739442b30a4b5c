/**
 * The contract beside the Avro schemas: the topic catalogue and Avro's trust of our namespace.
 * The event classes themselves are generated from {@code schemas/src/main/avro} into
 * {@code io.datastores.events}.
 */
package io.datastores.contract;
