/** The backups of an instance: commands, events, state, the decider. Pure Java. */
package io.datastores.backup.domain;
