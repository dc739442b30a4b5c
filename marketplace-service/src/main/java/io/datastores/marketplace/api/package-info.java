/** HTTP: the fleet view. */
package io.datastores.marketplace.api;
