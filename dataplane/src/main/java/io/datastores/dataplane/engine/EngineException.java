package io.datastores.dataplane.engine;

/** A command on a server failed; the message is the server's or the tool's own reason, never a secret. */
public final class EngineException extends RuntimeException {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
