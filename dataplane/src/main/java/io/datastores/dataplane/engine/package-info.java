/** The servers' own tools and SQL, thinly: what the data plane does to a PostgreSQL server. */
package io.datastores.dataplane.engine;
