package io.datastores.dataplane.endpoint;

import java.util.List;

import io.datastores.kit.net.Cidr;

/**
 * What an endpoint should be: the port it listens on ({@code 127.0.0.1}; 0 asks for any free port
 * when it is created and keeps the current one when it is updated), the target it forwards to
 * ({@code null}: none yet, connections are closed at once) and the allow-list of client addresses
 * (IPv4 or IPv6 CIDR blocks; empty refuses everyone).
 */
public record EndpointSpec(int port, Target target, List<String> allowlist) {

    public EndpointSpec {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, not " + port);
        }
        if (allowlist == null) {
            throw new IllegalArgumentException(
                    "allowlist is required (an empty list refuses everyone)");
        }
        for (String entry : allowlist) {
            Cidr.problem(entry).ifPresent(problem -> {
                throw new IllegalArgumentException("invalid allowlist entry: " + problem);
            });
        }
        allowlist = List.copyOf(allowlist);
    }

    /** The same endpoint listening on {@code boundPort}. */
    EndpointSpec withPort(int boundPort) {
        return new EndpointSpec(boundPort, target, allowlist);
    }
}
