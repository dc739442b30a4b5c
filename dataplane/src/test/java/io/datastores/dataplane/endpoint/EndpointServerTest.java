package io.datastores.dataplane.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The endpoint server")
class EndpointServerTest {

    private static final List<String> LOOPBACK_ONLY = List.of("127.0.0.1/32");
    private static final List<String> EVERYONE = List.of("0.0.0.0/0");

    @TempDir
    Path dir;
    EndpointServer server;
    EndpointClient control;
    EchoServer primary;
    EchoServer standby;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = EndpointServer.start(dir, 0);
        control = new EndpointClient(server.controlUri());
        primary = new EchoServer();
        standby = new EchoServer();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
        server.close();
        primary.close();
        standby.close();
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeAfter.add(closeable);
        return closeable;
    }

    private EndpointView endpoint(Target target, List<String> allowlist) {
        return control.put("inst-1", new EndpointSpec(0, target, allowlist));
    }

    private EndpointView view() {
        return control.get("inst-1").orElseThrow();
    }

    @Nested
    class Forwarding {

        @Test
        void forwardsBothWaysLargePayloadsAndHalfClose() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            byte[] payload = new byte[8 * 1024 * 1024];
            new Random(7).nextBytes(payload);

            try (Client client = Client.connect(port)) {
                Socket socket = client.socket();
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = socket.getOutputStream();
                        for (int offset = 0; offset < payload.length; offset += 100_000) {
                            out.write(payload, offset, Math.min(100_000, payload.length - offset));
                        }
                        socket.shutdownOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                InputStream in = socket.getInputStream();
                byte[] echoed = in.readAllBytes();
                writer.join();

                assertThat(echoed).hasSize(payload.length);
                assertThat(sha256(echoed)).isEqualTo(sha256(payload));
            }
            assertThat(primary.accepted()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> view().openSessions() == 0);
        }

        @Test
        void manySessionsAtOnceEachGetTheirOwnBytes() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                clients.add(closing(Client.connect(port)));
            }
            for (int i = 0; i < clients.size(); i++) {
                assertThat(clients.get(i).echo("session " + i)).isEqualTo("session " + i);
            }

            assertThat(view().openSessions()).isEqualTo(50);
            assertThat(primary.accepted()).isEqualTo(50);
        }

        @Test
        void aTargetThatDoesNotAnswerClosesTheClient() throws Exception {
            // A socket bound but never listening: a connection to its port is refused, and no other
            // process (nor a connection to itself) can take the port while the test runs.
            try (Socket holder = new Socket()) {
                holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = endpoint(new Target("127.0.0.1", holder.getLocalPort()), EVERYONE).port();

                try (Client client = Client.connect(port)) {
                    assertThat(client.closedByPeer()).isTrue();
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> view().openSessions() == 0);
        }
    }

    @Nested
    class AllowList {

        @Test
        void aClientOutsideTheAllowListIsRefusedBeforeAnyByteIsForwarded() throws Exception {
            int port = endpoint(primary.target(), LOOPBACK_ONLY).port();

            try (Client outsider = Client.connectFrom("127.0.0.5", port)) {
                outsider.send("let me in");
                assertThat(outsider.closedByPeer()).isTrue();
            }
            try (Client insider = Client.connectFrom("127.0.0.1", port)) {
                assertThat(insider.echo("hello")).isEqualTo("hello");
            }

            assertThat(primary.accepted()).isEqualTo(1);
            assertThat(view().refused()).isEqualTo(1);
        }

        @Test
        void theIpv6AllowAllAdmitsAnIpv4Client() throws Exception {
            int port = endpoint(primary.target(), List.of("::/0")).port();

            try (Client client = Client.connectFrom("127.0.0.5", port)) {
                assertThat(client.echo("v6 says yes")).isEqualTo("v6 says yes");
            }
            assertThat(view().refused()).isZero();
        }

        @Test
        void anEmptyAllowListRefusesEveryone() throws Exception {
            int port = endpoint(primary.target(), List.of()).port();

            try (Client client = Client.connect(port)) {
                assertThat(client.closedByPeer()).isTrue();
            }
            assertThat(primary.accepted()).isZero();
            assertThat(view().refused()).isEqualTo(1);
        }

        @Test
        void narrowingTheAllowListClosesTheSessionsItNowExcludes() throws Exception {
            int port = endpoint(primary.target(), List.of("127.0.0.0/8")).port();
            Client stays = closing(Client.connectFrom("127.0.0.1", port));
            Client goes = closing(Client.connectFrom("127.0.0.7", port));
            assertThat(stays.echo("a")).isEqualTo("a");
            assertThat(goes.echo("b")).isEqualTo("b");

            endpoint(primary.target(), List.of("127.0.0.1"));

            assertThat(goes.closedByPeer()).isTrue();
            assertThat(stays.echo("still here")).isEqualTo("still here");
        }
    }

    @Nested
    class Switching {

        @Test
        void aNewTargetClosesTheOldSessionsAndNewOnesReachIt() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            Client old = closing(Client.connect(port));
            assertThat(old.echo("before")).isEqualTo("before");

            EndpointView switched = endpoint(standby.target(), EVERYONE);

            assertThat(switched.port()).isEqualTo(port);
            assertThat(switched.target()).isEqualTo(standby.target());
            assertThat(old.closedByPeer()).isTrue();
            try (Client fresh = Client.connect(port)) {
                assertThat(fresh.echo("after")).isEqualTo("after");
            }
            assertThat(standby.accepted()).isEqualTo(1);
            assertThat(primary.accepted()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.open() == 0);
        }

        @Test
        void theSameTargetAgainKeepsTheSessions() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            Client client = closing(Client.connect(port));
            assertThat(client.echo("one")).isEqualTo("one");

            control.put("inst-1", new EndpointSpec(port, primary.target(), List.of("::/0")));

            assertThat(client.echo("two")).isEqualTo("two");
            assertThat(view().openSessions()).isEqualTo(1);
        }

        @Test
        void withoutATargetConnectionsAreClosedUntilOneIsSet() throws Exception {
            int port = endpoint(null, EVERYONE).port();

            try (Client early = Client.connect(port)) {
                assertThat(early.closedByPeer()).isTrue();
            }
            endpoint(primary.target(), EVERYONE);
            try (Client later = Client.connect(port)) {
                assertThat(later.echo("now")).isEqualTo("now");
            }
        }

        @Test
        void aNullTargetClosesTheOpenSessions() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            Client client = closing(Client.connect(port));
            assertThat(client.echo("x")).isEqualTo("x");

            endpoint(null, EVERYONE);

            assertThat(client.closedByPeer()).isTrue();
        }

        @Test
        void aNewPortIsListenedOnAndTheOldOneLetGo() throws Exception {
            int oldPort = endpoint(primary.target(), EVERYONE).port();
            int newPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                newPort = probe.getLocalPort();
            }

            EndpointView moved = control.put("inst-1",
                    new EndpointSpec(newPort, primary.target(), EVERYONE));

            assertThat(moved.port()).isEqualTo(newPort);
            try (Client client = Client.connect(newPort)) {
                assertThat(client.echo("moved")).isEqualTo("moved");
            }
            assertThatThrownBy(() -> Client.connect(oldPort)).isInstanceOf(ConnectException.class);
        }
    }

    @Nested
    class Pausing {

        @Test
        void aPauseHoldsNewConnectionsAndResumeDeliversThem() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            control.pause("inst-1", Duration.ofSeconds(30));

            Client held = closing(Client.connect(port));
            held.send("waiting");

            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> primary.accepted() == 0 && view().heldConnections() == 1);
            assertThat(view().paused()).isTrue();

            EndpointView resumed = control.resume("inst-1");

            assertThat(resumed.paused()).isFalse();
            assertThat(held.receive("waiting".length())).isEqualTo("waiting");
            assertThat(primary.accepted()).isEqualTo(1);
        }

        @Test
        void aPauseKeepsTheOpenSessions() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            Client open = closing(Client.connect(port));
            assertThat(open.echo("before")).isEqualTo("before");

            control.pause("inst-1", Duration.ofSeconds(30));

            assertThat(open.echo("during")).isEqualTo("during");
            control.resume("inst-1");
        }

        @Test
        void pauseSwitchResumeLosesNoHeldConnection() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            control.pause("inst-1", Duration.ofSeconds(30));
            List<Client> held = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Client client = closing(Client.connect(port));
                client.send("held " + i);
                held.add(client);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> view().heldConnections() == 5);

            endpoint(standby.target(), EVERYONE);
            control.resume("inst-1");

            for (int i = 0; i < held.size(); i++) {
                assertThat(held.get(i).receive(("held " + i).length())).isEqualTo("held " + i);
            }
            assertThat(standby.accepted()).isEqualTo(5);
            assertThat(primary.accepted()).isZero();
        }

        @Test
        void aPauseThatTimesOutClosesTheHeldConnectionsAndForwardsAgain() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            control.pause("inst-1", Duration.ofMillis(300));

            try (Client held = Client.connect(port)) {
                held.send("never forwarded");
                assertThat(held.closedByPeer()).isTrue();
            }

            assertThat(primary.accepted()).isZero();
            assertThat(view().paused()).isFalse();
            try (Client later = Client.connect(port)) {
                assertThat(later.echo("forwarded")).isEqualTo("forwarded");
            }
        }

        @Test
        void aSecondPauseRestartsTheTimeout() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            control.pause("inst-1", Duration.ofMillis(200));
            control.pause("inst-1", Duration.ofSeconds(30));
            Client held = closing(Client.connect(port));
            held.send("kept");

            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                    .until(() -> view().paused() && view().heldConnections() == 1);

            control.resume("inst-1");
            assertThat(held.receive(4)).isEqualTo("kept");
        }

        @Test
        void theAllowListIsEnforcedWhilePaused() throws Exception {
            int port = endpoint(primary.target(), LOOPBACK_ONLY).port();
            control.pause("inst-1", Duration.ofSeconds(30));

            try (Client outsider = Client.connectFrom("127.0.0.9", port)) {
                assertThat(outsider.closedByPeer()).isTrue();
            }
            assertThat(view().heldConnections()).isZero();
            assertThat(view().refused()).isEqualTo(1);
            control.resume("inst-1");
        }
    }

    @Nested
    class Persistence {

        @Test
        void aRestartedServerListensOnTheEndpointsItKept() throws Exception {
            int port = endpoint(primary.target(), LOOPBACK_ONLY).port();
            EndpointView other = control.put("inst-2", new EndpointSpec(0, null, EVERYONE));
            server.close();
            assertThatThrownBy(() -> Client.connect(port)).isInstanceOf(ConnectException.class);

            server = EndpointServer.start(dir, 0);
            control = new EndpointClient(server.controlUri());

            assertThat(control.list()).extracting(EndpointView::instanceId, EndpointView::port,
                    EndpointView::target, EndpointView::allowlist, EndpointView::listening)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("inst-1", port, primary.target(),
                                    LOOPBACK_ONLY, true),
                            org.assertj.core.groups.Tuple.tuple("inst-2", other.port(), null,
                                    EVERYONE, true));
            try (Client client = Client.connect(port)) {
                assertThat(client.echo("restored")).isEqualTo("restored");
            }
            try (Client outsider = Client.connectFrom("127.0.0.5", port)) {
                assertThat(outsider.closedByPeer()).isTrue();
            }
        }

        @Test
        void aDeletedEndpointIsNotRestored() throws Exception {
            endpoint(primary.target(), EVERYONE);
            control.delete("inst-1");
            server.close();

            server = EndpointServer.start(dir, 0);
            control = new EndpointClient(server.controlUri());

            assertThat(control.list()).isEmpty();
        }

        @Test
        void aKeptPortTakenMeanwhileIsShownAndRetriedOnTheNextPut() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            server.close();
            EndpointView view;
            try (ServerSocket squatter = new ServerSocket()) {
                squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                server = EndpointServer.start(dir, 0);
                control = new EndpointClient(server.controlUri());
                view = view();
            }

            assertThat(view.listening()).isFalse();
            assertThat(view.problem()).contains(String.valueOf(port));
            EndpointView retried = endpoint(primary.target(), EVERYONE);
            assertThat(retried.listening()).isTrue();
            assertThat(retried.port()).isEqualTo(port);
        }

        @Test
        void anUnreadableFileStopsTheStartWithAMessage() throws Exception {
            endpoint(primary.target(), EVERYONE);
            server.close();
            Files.writeString(dir.resolve("endpoints.json"),
                    "{\"version\":1,\"endpoints\":{\"x\":");

            assertThatThrownBy(() -> EndpointServer.start(dir, 0)).isInstanceOf(IOException.class)
                    .hasMessageContaining("endpoints.json");
            server = EndpointServer.start(Files.createDirectory(dir.resolve("fresh")), 0);
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void deletingStopsListeningAndClosesTheSessions() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            Client client = closing(Client.connect(port));
            assertThat(client.echo("x")).isEqualTo("x");

            assertThat(control.delete("inst-1")).isTrue();

            assertThat(client.closedByPeer()).isTrue();
            assertThatThrownBy(() -> Client.connect(port)).isInstanceOf(ConnectException.class);
            assertThat(control.get("inst-1")).isEmpty();
            assertThat(control.delete("inst-1")).isFalse();
        }

        @Test
        void closingLeavesNoThreadBehind() throws Exception {
            int port = endpoint(primary.target(), EVERYONE).port();
            control.put("inst-2", new EndpointSpec(0, standby.target(), EVERYONE));
            Client client = closing(Client.connect(port));
            assertThat(client.echo("x")).isEqualTo("x");
            control.pause("inst-2", Duration.ofSeconds(30));
            closing(Client.connect(control.get("inst-2").orElseThrow().port()));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> control.get("inst-2").orElseThrow().heldConnections() == 1);

            server.close();

            assertThat(client.closedByPeer()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> endpointThreads().isEmpty());
            server = EndpointServer.start(Files.createDirectory(dir.resolve("again")), 0);
        }

        @Test
        void settingsComeFromSystemPropertiesElseTheEnvironment() {
            Properties system = new Properties();
            system.setProperty("endpoint.dir", "/from/property");

            Properties settings = EndpointServer.settings(
                    Map.of("ENDPOINT_DIR", "/from/env", "ENDPOINT_CONTROL_PORT", "9999"), system);

            assertThat(settings.getProperty("endpoint.dir")).isEqualTo("/from/property");
            assertThat(settings.getProperty("endpoint.control-port")).isEqualTo("9999");
        }

        private List<String> endpointThreads() {
            return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(name -> name.startsWith("endpoint-")).toList();
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
