package io.datastores.kit.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that can never be decoded, whatever the retry: it belongs in a dead-letter topic with
 * its {@link Reason}. A registry that cannot be reached is not this (it is worth retrying).
 */
public class UndecodableRecordException extends SerializationException {

    /** Why a record cannot be decoded; written to the dead-letter header {@code dlq.cause}. */
    public enum Reason {
        /** Not Confluent's wire format: too short or a wrong magic byte. */
        NOT_WIRE_FORMAT,
        /** The schema id is not known to the registry. */
        UNKNOWN_SCHEMA_ID,
        /** The writer's schema cannot be read as the topic's schema. */
        INCOMPATIBLE_SCHEMA,
        /** The bytes do not decode with the writer's schema. */
        MALFORMED_AVRO,
        /** It decodes, but the event it carries breaks the contract. */
        INVALID_EVENT
    }

    private final Reason reason;

    public UndecodableRecordException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public UndecodableRecordException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
