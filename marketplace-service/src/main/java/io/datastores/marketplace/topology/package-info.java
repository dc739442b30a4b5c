/** The read-model topology of marketplace. */
package io.datastores.marketplace.topology;
