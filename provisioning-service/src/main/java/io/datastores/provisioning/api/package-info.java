/** HTTP: the catalog. */
package io.datastores.provisioning.api;
