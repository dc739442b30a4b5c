package io.datastores.dataplane.run;

import java.nio.file.Path;

/** Issues an instance's server certificate, signed by the stack's CA, naming its service host and 127.0.0.1. */
public interface Certificates {

    /** The CA certificate clients verify servers against. */
    Path caFile();

    /** Writes a certificate and its key (PEM) for {@code serviceHost} and 127.0.0.1. */
    void issue(String serviceHost, Path certFile, Path keyFile);
}
