/** HTTP: the catalog, and operators' read access to instances and organizations. */
package io.datastores.provisioning.api;
