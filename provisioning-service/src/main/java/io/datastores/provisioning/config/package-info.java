/** Micronaut factories: the catalog, the topology on the default stream builder. */
package io.datastores.provisioning.config;
