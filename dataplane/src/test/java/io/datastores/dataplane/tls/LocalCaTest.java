package io.datastores.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The stack's local CA")
class LocalCaTest {

    private static final String SERVICE_HOST = "orders-instorde.us-east-1.aws.db.dcp.internal";

    @TempDir
    Path dir;

    private ServerCertificate issue(LocalCa ca) throws IOException {
        return ca.issueServer(List.of(SERVICE_HOST), List.of("127.0.0.1"),
                dir.resolve("server/server.crt"), dir.resolve("server/server.key"));
    }

    @Nested
    class TheCa {

        @Test
        void isMadeOnceAndKept() throws Exception {
            LocalCa made = LocalCa.openOrCreate(dir);
            LocalCa again = LocalCa.openOrCreate(dir);

            assertThat(again.certificate()).isEqualTo(made.certificate());
            assertThat(made.certificateFile()).isEqualTo(dir.resolve("ca.crt"));
            assertThat(Files.readString(dir.resolve("ca.crt")))
                    .startsWith("-----BEGIN CERTIFICATE-----");
            assertThat(Files.readString(dir.resolve("ca.key")))
                    .startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(mode(dir.resolve("ca.key"))).isEqualTo("rw-------");
        }

        @Test
        void isACaForTenYears() throws Exception {
            X509Certificate ca = LocalCa.openOrCreate(dir).certificate();

            ca.verify(ca.getPublicKey());
            assertThat(ca.getBasicConstraints()).isEqualTo(0);
            assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
            boolean[] usage = ca.getKeyUsage();
            assertThat(usage[5]).as("keyCertSign").isTrue();
            assertThat(usage[6]).as("cRLSign").isTrue();
            assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
            Instant from = ca.getNotBefore().toInstant();
            assertThat(Duration.between(from, ca.getNotAfter().toInstant()))
                    .isBetween(Duration.ofDays(3650), Duration.ofDays(3651));
            assertThat(ca.getSubjectX500Principal().getName()).contains("dcp local CA");
        }

        @Test
        void aCertificateWithoutItsKeyIsAnError() throws Exception {
            LocalCa.openOrCreate(dir);
            Files.delete(dir.resolve("ca.key"));

            assertThatThrownBy(() -> LocalCa.openOrCreate(dir))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("without");
            assertThat(dir.resolve("ca.key")).doesNotExist();
        }

        @Test
        void aKeyNotMatchingTheCertificateIsAnError() throws Exception {
            LocalCa.openOrCreate(dir);
            Path other = Files.createDirectory(dir.resolve("other"));
            LocalCa.openOrCreate(other);
            Files.copy(other.resolve("ca.key"), dir.resolve("ca.key"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            assertThatThrownBy(() -> LocalCa.openOrCreate(dir))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not the key");
        }
    }

    @Nested
    class AServerCertificate {

        @Test
        void namesTheServiceHostAndLoopbackForServerAuthentication() throws Exception {
            LocalCa ca = LocalCa.openOrCreate(dir);

            ServerCertificate server = issue(ca);

            X509Certificate cert = server.certificate();
            cert.verify(ca.certificate().getPublicKey());
            cert.checkValidity();
            assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                    List.of(2, SERVICE_HOST), List.of(7, "127.0.0.1"));
            assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
            assertThat(cert.getBasicConstraints()).isEqualTo(-1);
            assertThat(cert.getIssuerX500Principal())
                    .isEqualTo(ca.certificate().getSubjectX500Principal());
            assertThat(cert.getSubjectX500Principal().getName()).contains("CN=" + SERVICE_HOST);
            assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()))
                    .isBetween(Duration.ofDays(364), Duration.ofDays(366));
        }

        @Test
        void isWrittenAsPemWithAPrivatePkcs8Key() throws Exception {
            ServerCertificate server = issue(LocalCa.openOrCreate(dir));

            assertThat(Files.readString(server.certificateFile()))
                    .startsWith("-----BEGIN CERTIFICATE-----");
            assertThat(Files.readString(server.keyFile()))
                    .startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(mode(server.keyFile())).isEqualTo("rw-------");
            assertThat(Pems.readCertificate(server.certificateFile()))
                    .isEqualTo(server.certificate());
            assertThat(Pems.readPrivateKey(server.keyFile()).getEncoded())
                    .isEqualTo(server.key().getEncoded());
        }

        @Test
        void neverOutlivesTheCa() throws Exception {
            Instant longAgo = Instant.now().minus(Duration.ofDays(3600));
            LocalCa.openOrCreate(dir, Clock.fixed(longAgo, ZoneOffset.UTC));

            ServerCertificate server = issue(LocalCa.openOrCreate(dir));

            assertThat(server.certificate().getNotAfter())
                    .isEqualTo(LocalCa.openOrCreate(dir).certificate().getNotAfter());
        }

        @Test
        void refusesNamesThatAreNotHostsOrAddresses() throws Exception {
            LocalCa ca = LocalCa.openOrCreate(dir);
            Path crt = dir.resolve("x.crt");
            Path key = dir.resolve("x.key");

            assertThatThrownBy(() -> ca.issueServer(List.of(), List.of(), crt, key))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ca.issueServer(List.of("bad name"), List.of(), crt, key))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name");
            assertThatThrownBy(() -> ca.issueServer(List.of("-x.internal"), List.of(), crt, key))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ca.issueServer(List.of(), List.of("999.0.0.1"), crt, key))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("999.0.0.1");
            assertThatThrownBy(() -> ca.issueServer(List.of(), List.of("10.0.0.0/8"), crt, key))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(crt).doesNotExist();
        }

        @Test
        void anIpv6AddressAloneIsEnough() throws Exception {
            ServerCertificate server = LocalCa.openOrCreate(dir).issueServer(List.of(),
                    List.of("::1"), dir.resolve("v6.crt"), dir.resolve("v6.key"));

            assertThat(server.certificate().getSubjectAlternativeNames())
                    .containsExactly(List.of(7, "0:0:0:0:0:0:0:1"));
        }
    }

    @Nested
    class OpenSsl {

        @Test
        void verifiesTheServerCertificateAgainstTheCa() throws Exception {
            assumeThat(Path.of("/usr/bin/openssl")).as("openssl is installed").exists();
            LocalCa ca = LocalCa.openOrCreate(dir);
            ServerCertificate server = issue(ca);

            assertThat(openssl("verify", "-purpose", "sslserver", "-CAfile",
                    ca.certificateFile().toString(), server.certificateFile().toString()))
                    .contains(": OK");
            assertThat(openssl("verify", "-CAfile", ca.certificateFile().toString(),
                    "-verify_hostname", SERVICE_HOST, server.certificateFile().toString()))
                    .contains(": OK");
            assertThat(openssl("verify", "-CAfile", ca.certificateFile().toString(),
                    "-verify_ip", "127.0.0.1", server.certificateFile().toString()))
                    .contains(": OK");
            assertThat(openssl("verify", "-CAfile", ca.certificateFile().toString(),
                    "-verify_hostname", "other.db.dcp.internal",
                    server.certificateFile().toString()))
                    .doesNotContain(": OK");
            assertThat(openssl("pkey", "-in", server.keyFile().toString(), "-noout", "-check"))
                    .contains("valid");
        }

        @Test
        void anotherCaDoesNotVerifyIt() throws Exception {
            assumeThat(Path.of("/usr/bin/openssl")).as("openssl is installed").exists();
            ServerCertificate server = issue(LocalCa.openOrCreate(dir));
            LocalCa other = LocalCa.openOrCreate(Files.createDirectory(dir.resolve("other")));

            assertThat(openssl("verify", "-CAfile", other.certificateFile().toString(),
                    server.certificateFile().toString())).doesNotContain(": OK");
        }

        private String openssl(String... arguments) throws Exception {
            List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return output;
        }
    }

    @Nested
    class Handshake {

        @Test
        void aClientVerifiesTheServiceHostName() throws Exception {
            LocalCa ca = LocalCa.openOrCreate(dir);
            ServerCertificate server = issue(ca);

            assertThat(handshake(ca, server, SERVICE_HOST)).isEqualTo("hello");
        }

        @Test
        void aClientVerifiesTheLoopbackAddress() throws Exception {
            LocalCa ca = LocalCa.openOrCreate(dir);
            ServerCertificate server = issue(ca);

            assertThat(handshake(ca, server, "127.0.0.1")).isEqualTo("hello");
        }

        @Test
        void aNameNotInTheCertificateFails() throws Exception {
            LocalCa ca = LocalCa.openOrCreate(dir);
            ServerCertificate server = issue(ca);

            assertThatThrownBy(() -> handshake(ca, server, "other.us-east-1.aws.db.dcp.internal"))
                    .isInstanceOf(SSLHandshakeException.class);
        }

        @Test
        void aServerOfAnotherCaFails() throws Exception {
            LocalCa ca = LocalCa.openOrCreate(dir);
            LocalCa other = LocalCa.openOrCreate(Files.createDirectory(dir.resolve("other")));
            ServerCertificate foreign = other.issueServer(List.of(SERVICE_HOST), List.of(),
                    dir.resolve("f.crt"), dir.resolve("f.key"));

            assertThatThrownBy(() -> handshake(ca, foreign, SERVICE_HOST))
                    .isInstanceOf(SSLHandshakeException.class);
        }

        /**
         * A TLS server presenting the certificate and key read back from their files; a client
         * trusting only {@code ca.crt}, verifying {@code host} as HTTPS does, connecting to
         * 127.0.0.1. Answers what the server sent.
         */
        private String handshake(LocalCa ca, ServerCertificate server, String host)
                throws Exception {
            SSLContext serverContext = serverContext(server);
            SSLContext clientContext = clientContext(ca.certificateFile());
            try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                    try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                        accepted.setSoTimeout(10_000);
                        accepted.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                        accepted.getOutputStream().flush();
                        accepted.getInputStream().read();
                    } catch (IOException e) {
                        // the client refused the handshake
                    }
                });
                Socket plain = new Socket();
                plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        listener.getLocalPort()), 5_000);
                try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
                        .createSocket(plain, host, listener.getLocalPort(), true)) {
                    client.setSoTimeout(10_000);
                    SSLParameters parameters = client.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    client.setSSLParameters(parameters);
                    client.startHandshake();
                    String received = new String(client.getInputStream().readNBytes(5),
                            StandardCharsets.UTF_8);
                    client.getOutputStream().write(1);
                    return received;
                } finally {
                    served.get(10, TimeUnit.SECONDS);
                }
            }
        }

        private SSLContext serverContext(ServerCertificate server) throws Exception {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", Pems.readPrivateKey(server.keyFile()), new char[0],
                    new X509Certificate[] {Pems.readCertificate(server.certificateFile())});
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        }

        private SSLContext clientContext(Path caFile) throws Exception {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", Pems.readCertificate(caFile));
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        }
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
