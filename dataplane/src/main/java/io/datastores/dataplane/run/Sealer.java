package io.datastores.dataplane.run;

/** Seals a secret so that only marketplace-service can open it. */
public interface Sealer {

    /** Which key it seals for. */
    String keyId();

    /** The sealed secret, bound to {@code associatedData} (the instance id). */
    byte[] seal(byte[] secret, byte[] associatedData);
}
