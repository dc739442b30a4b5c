package io.datastores.dataplane.endpoint;

/** Where an endpoint forwards: the current primary's address ({@code 127.0.0.1} and its port). */
public record Target(String host, int port) {

    public Target {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("target.host must be a host name or address");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("target.port must be from 1 to 65535, not " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
