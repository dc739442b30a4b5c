package io.datastores.contract;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes outside its trusted packages. This adds the
 * contract's namespace to the trusted set, keeping the check on for every other package.
 */
public final class AvroTrust {

    /** The one namespace of the contract's generated classes. */
    public static final String NAMESPACE = "io.datastores.events";

    private static volatile boolean installed;

    private AvroTrust() {
    }

    /** Idempotent; call before decoding. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate contract =
                type -> type.getName().startsWith(NAMESPACE + ".");
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), contract));
        installed = true;
    }
}
