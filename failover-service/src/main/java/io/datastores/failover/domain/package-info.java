/** Node health: signals, the view, its projection. Pure Java. */
package io.datastores.failover.domain;
