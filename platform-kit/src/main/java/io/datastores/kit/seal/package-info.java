/**
 * Secrets sealed for one reader: the data plane seals an instance's admin password with
 * marketplace-service's public key, and only marketplace-service, holding the private key, opens
 * it.
 */
package io.datastores.kit.seal;
