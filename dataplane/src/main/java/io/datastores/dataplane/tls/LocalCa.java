package io.datastores.dataplane.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.datastores.kit.files.AtomicFiles;
import io.datastores.kit.net.Cidr;

/**
 * The stack's certificate authority: an EC P-256 key and a self-signed CA certificate valid ten
 * years, kept as {@code ca.crt} and {@code ca.key} (PKCS#8 PEM, mode 0600) in the stack's
 * directory and made the first time. It issues each instance's server certificate: its service
 * host names and addresses in the subjectAltName, for TLS server authentication, valid a year
 * (never beyond the CA), with a fresh key in PKCS#8 PEM as PostgreSQL takes it. Clients verify
 * against {@code ca.crt} ({@code sslmode=verify-full sslrootcert=ca.crt}).
 */
public final class LocalCa {

    public static final String CERTIFICATE_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(365);
    /** Certificates start an hour back, for clocks a little behind. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                    + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path certificateFile;
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;

    private LocalCa(Path certificateFile, X509Certificate certificate, PrivateKey key,
            Clock clock) {
        this.certificateFile = certificateFile;
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
    }

    /** The CA kept in {@code dir}, made and written there the first time. */
    public static LocalCa openOrCreate(Path dir) throws IOException {
        return openOrCreate(dir, Clock.systemUTC());
    }

    /** As {@link #openOrCreate(Path)}, dating certificates by {@code clock}. */
    public static LocalCa openOrCreate(Path dir, Clock clock) throws IOException {
        Path certFile = dir.resolve(CERTIFICATE_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        return AtomicFiles.locked(dir.resolve(".ca.lock"), () -> {
            boolean hasCert = Files.exists(certFile);
            boolean hasKey = Files.exists(keyFile);
            if (hasCert != hasKey) {
                throw new IllegalStateException((hasCert ? certFile : keyFile) + " exists without "
                        + (hasCert ? keyFile : certFile) + ": restore it, or remove both to make a"
                        + " new CA (certificates it issued will no longer verify)");
            }
            if (hasCert) {
                LocalCa kept = new LocalCa(certFile, Pems.readCertificate(certFile),
                        Pems.readPrivateKey(keyFile), clock);
                kept.requireMatchingKey();
                return kept;
            }
            LocalCa made = create(certFile, clock);
            AtomicFiles.writePrivate(keyFile, Pems.privateKey(made.key));
            AtomicFiles.write(certFile, Pems.certificate(made.certificate));
            return made;
        });
    }

    /** The CA certificate, which clients trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Where the CA certificate is kept ({@code ca.crt}), for {@code sslrootcert}. */
    public Path certificateFile() {
        return certificateFile;
    }

    /**
     * Issues a server certificate for {@code dnsNames} and {@code ipAddresses} (at least one in
     * all; the first names the subject) and writes it to {@code certificateFile} and its new key to
     * {@code keyFile} (mode 0600).
     */
    public ServerCertificate issueServer(List<String> dnsNames, List<String> ipAddresses,
            Path certificateFile, Path keyFile) throws IOException {
        List<GeneralName> names = subjectAltNames(dnsNames, ipAddresses);
        KeyPair pair = newKeyPair();
        Instant now = clock.instant();
        Instant notAfter = min(now.plus(SERVER_VALIDITY), certificate.getNotAfter().toInstant());
        String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Datastore Control Plane").addRDN(BCStyle.CN, commonName)
                .build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate,
                    serial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject,
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate.getPublicKey()));
            X509Certificate issued = sign(builder, key);
            AtomicFiles.writePrivate(keyFile, Pems.privateKey(pair.getPrivate()));
            AtomicFiles.write(certificateFile, Pems.certificate(issued));
            return new ServerCertificate(issued, pair.getPrivate(), certificateFile, keyFile);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("issuing a certificate failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LocalCa[" + certificate.getSubjectX500Principal() + "]";
    }

    private static LocalCa create(Path certFile, Clock clock) {
        KeyPair pair = newKeyPair();
        Instant now = clock.instant();
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Datastore Control Plane")
                .addRDN(BCStyle.CN, "dcp local CA " + HexFormat.of().formatHex(id)).build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name,
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(pair.getPublic()));
            X509Certificate self = sign(builder, pair.getPrivate());
            return new LocalCa(certFile, self, pair.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("making the CA failed: " + e.getMessage(), e);
        }
    }

    private static List<GeneralName> subjectAltNames(List<String> dnsNames,
            List<String> ipAddresses) {
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a server certificate names at least one host");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            if (dns == null || !DNS_NAME.matcher(dns).matches()) {
                throw new IllegalArgumentException("'" + dns + "' is not a DNS name");
            }
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : ipAddresses) {
            if (ip == null || ip.contains("/") || Cidr.problem(ip).isPresent()) {
                throw new IllegalArgumentException("'" + ip + "' is not an IP address");
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return names;
    }

    private void requireMatchingKey() throws IOException {
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(SIGNATURE);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(SIGNATURE);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signed)) {
                throw new IllegalStateException(KEY_FILE + " is not the key of " + certificateFile);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(KEY_FILE + " cannot sign for " + certificateFile + ": "
                    + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return ec.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is missing from this JDK", e);
        }
    }

    private static BigInteger serial() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new BigInteger(1, bytes).setBit(126);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
