/** Avro contract records to marketplace facts. */
package io.datastores.marketplace.mapping;
