/** Micronaut factories: the topology on the default stream builder. */
package io.datastores.backup.config;
