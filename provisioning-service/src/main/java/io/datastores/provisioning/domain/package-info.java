/** The instance aggregate: commands, events, state, the decider, the catalog's shape. Pure Java. */
package io.datastores.provisioning.domain;
