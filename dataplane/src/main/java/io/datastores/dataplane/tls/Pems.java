package io.datastores.dataplane.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Certificates and private keys (PKCS#8) to and from PEM text, with BouncyCastle. */
final class Pems {

    private Pems() {
    }

    static byte[] certificate(X509Certificate certificate) {
        return write(certificate);
    }

    static byte[] privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static X509Certificate readCertificate(Path file) throws IOException {
        Object object = read(file);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new IOException(file + " holds no PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(file + " holds no readable certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        Object object = read(file);
        if (!(object instanceof PrivateKeyInfo info)) {
            throw new IOException(file + " holds no PKCS#8 PEM private key");
        }
        return new JcaPEMKeyConverter().getPrivateKey(info);
    }

    private static Object read(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(
                Files.readString(file, StandardCharsets.US_ASCII)))) {
            return parser.readObject();
        }
    }

    private static byte[] write(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
