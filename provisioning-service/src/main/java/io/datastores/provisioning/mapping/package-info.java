/** Avro contract records to and from provisioning's domain. */
package io.datastores.provisioning.mapping;
