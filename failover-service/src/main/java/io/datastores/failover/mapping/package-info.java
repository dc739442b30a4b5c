/** Avro contract records to health signals. */
package io.datastores.failover.mapping;
