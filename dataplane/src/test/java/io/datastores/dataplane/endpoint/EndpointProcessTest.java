package io.datastores.dataplane.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The endpoint server as a process of its own")
class EndpointProcessTest {

    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process start(Path state, int controlPort, String log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        if (state != null) {
            command.add("-Dendpoint.dir=" + state);
        }
        command.add("-Dendpoint.control-port=" + controlPort);
        command.add(EndpointServer.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start();
        processes.add(process);
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void itOutlivesItsControllerAndComesBackWithItsEndpoints() throws Exception {
        Path state = dir.resolve("endpoints");
        int controlPort = freePort();
        Process first = start(state, controlPort, "first.log");
        EndpointClient dataPlane = EndpointClient.local(controlPort);
        await().atMost(Duration.ofSeconds(30)).until(dataPlane::healthy);
        try (EchoServer primary = new EchoServer()) {
            EndpointSpec spec = new EndpointSpec(0, primary.target(), List.of("127.0.0.0/8"));
            int port = dataPlane.put("inst-1", spec).port();
            EndpointClient restartedDataPlane = EndpointClient.local(controlPort);
            try (Client client = Client.connect(port)) {
                assertThat(client.echo("before")).isEqualTo("before");

                // A restarted data plane re-adopts the endpoint as it was: the session carries on.
                restartedDataPlane.put("inst-1",
                        new EndpointSpec(port, spec.target(), spec.allowlist()));
                assertThat(client.echo("after")).isEqualTo("after");

                first.destroy();
                assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(client.closedByPeer()).isTrue();
            }
            assertThat(Files.readString(dir.resolve("first.log")))
                    .contains("endpoint server stopped");

            start(state, controlPort, "second.log");
            await().atMost(Duration.ofSeconds(30)).until(restartedDataPlane::healthy);
            assertThat(restartedDataPlane.get("inst-1")).get().extracting(EndpointView::port)
                    .isEqualTo(port);
            try (Client again = Client.connect(port)) {
                assertThat(again.echo("restored")).isEqualTo("restored");
            }
        }
    }

    @Test
    void withoutADirectoryItSaysSoAndExits() throws Exception {
        Process process = start(null, freePort(), "nodir.log");

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("nodir.log"))).contains("set endpoint.dir");
    }
}
