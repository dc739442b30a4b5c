package io.datastores.dataplane.endpoint;

/**
 * A request the endpoint server refuses, with the HTTP status it answers ({@code 400} bad input,
 * {@code 404} no such endpoint, {@code 409} port taken). {@link EndpointClient} throws it too.
 */
public final class EndpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;

    public EndpointException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
