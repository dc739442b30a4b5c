package io.datastores.dataplane.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A server certificate the stack's CA issued, and where it was written: the certificate in PEM,
 * the private key in PKCS#8 PEM (mode 0600), as PostgreSQL's {@code ssl_cert_file} and
 * {@code ssl_key_file} take them.
 */
public record ServerCertificate(X509Certificate certificate, PrivateKey key, Path certificateFile,
        Path keyFile) {

    @Override
    public String toString() {
        return "ServerCertificate[" + certificate.getSubjectX500Principal() + ", " + certificateFile
                + "]";
    }
}
