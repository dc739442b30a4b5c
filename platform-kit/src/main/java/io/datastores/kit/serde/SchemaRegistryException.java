package io.datastores.kit.serde;

/**
 * An answer of the registry that is not a success, with Confluent's HTTP status and error code
 * (40401 subject not found, 40403 schema not found, 409 incompatible, ...), or a transport failure
 * (status 0).
 */
public class SchemaRegistryException extends RuntimeException {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = 0;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The registry answered that the thing asked for does not exist (a 404). */
    public boolean isNotFound() {
        return status == 404;
    }
}
