package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

/**
 * The endpoint process: every instance's stable endpoint, in a process of its own so that client
 * connections outlive restarts of the data plane. The data plane drives it over HTTP on
 * {@code 127.0.0.1} ({@link EndpointApi}, {@link EndpointClient}); it keeps its endpoints in its
 * directory and listens on them again when it starts.
 *
 * <p>Settings (system properties, else environment variables {@code ENDPOINT_DIR},
 * {@code ENDPOINT_CONTROL_PORT}): {@code endpoint.dir} (required: where {@code endpoints.json} is
 * kept) and {@code endpoint.control-port} (default {@value #DEFAULT_CONTROL_PORT}; 0 picks a free
 * port, logged).
 */
public final class EndpointServer implements AutoCloseable {

    public static final int DEFAULT_CONTROL_PORT = 8096;
    private static final int HTTP_THREADS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(EndpointServer.class);

    private final Endpoints endpoints;
    private final HttpServer http;
    private final ExecutorService httpThreads;

    private EndpointServer(Endpoints endpoints, HttpServer http, ExecutorService httpThreads) {
        this.endpoints = endpoints;
        this.http = http;
        this.httpThreads = httpThreads;
    }

    /**
     * Starts an endpoint server keeping its endpoints in {@code dir}, controlled on
     * {@code 127.0.0.1:controlPort} (0: any free port, see {@link #controlPort}).
     */
    public static EndpointServer start(Path dir, int controlPort) throws IOException {
        Files.createDirectories(dir);
        Endpoints endpoints = new Endpoints(new EndpointStore(dir));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService httpThreads = Executors.newFixedThreadPool(HTTP_THREADS,
                r -> Session.daemon(r, "endpoint-http-" + threads.incrementAndGet()));
        HttpServer http;
        try {
            http = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort), 0);
        } catch (IOException e) {
            endpoints.close();
            httpThreads.shutdownNow();
            throw new IOException("the control port 127.0.0.1:" + controlPort
                    + " cannot be bound: " + e.getMessage(), e);
        }
        http.createContext("/", new EndpointApi(endpoints));
        http.setExecutor(httpThreads);
        http.start();
        LOG.info("endpoint server controlled on 127.0.0.1:{}; {} endpoint(s) restored from {}",
                http.getAddress().getPort(), endpoints.size(), dir);
        return new EndpointServer(endpoints, http, httpThreads);
    }

    /** The port the control API listens on. */
    public int controlPort() {
        return http.getAddress().getPort();
    }

    /** The control API's base address, for {@link EndpointClient}. */
    public URI controlUri() {
        return URI.create("http://127.0.0.1:" + controlPort());
    }

    /** Stops the control API and every endpoint; the endpoints stay on disk. */
    @Override
    public void close() {
        http.stop(0);
        httpThreads.shutdownNow();
        endpoints.close();
        LOG.info("endpoint server stopped");
    }

    /** Settings from system properties, else from environment variables. */
    static Properties settings(Map<String, String> env, Properties system) {
        Properties settings = new Properties();
        for (String key : List.of("endpoint.dir", "endpoint.control-port")) {
            String variable = key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
            String fromEnv = env.get(variable);
            String value = system.getProperty(key, fromEnv);
            if (value != null) {
                settings.setProperty(key, value);
            }
        }
        return settings;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Properties settings = settings(System.getenv(), System.getProperties());
        String dir = settings.getProperty("endpoint.dir");
        if (dir == null || dir.isBlank()) {
            LOG.error("set endpoint.dir (or ENDPOINT_DIR): the directory the endpoints are kept"
                    + " in");
            System.exit(2);
        }
        int port = Integer.parseInt(settings.getProperty("endpoint.control-port",
                String.valueOf(DEFAULT_CONTROL_PORT)));
        EndpointServer server = start(Path.of(dir), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "endpoint-shutdown"));
        LOG.info("endpoint server running");
        stopped.await();
    }
}
