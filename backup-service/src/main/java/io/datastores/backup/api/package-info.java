/** HTTP: backups per instance. */
package io.datastores.backup.api;
