/** Avro contract records to and from the backup domain. */
package io.datastores.backup.mapping;
