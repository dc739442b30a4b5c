/** Envelope encryption of credential secrets: a data key per credential, wrapped by the master key. */
package io.datastores.marketplace.secrets;
