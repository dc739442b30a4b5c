/** HTTP: node health per instance. */
package io.datastores.failover.api;
