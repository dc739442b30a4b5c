package io.datastores.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.datastores.kit.auth.Role;
import io.datastores.kit.auth.TokenIssuer;
import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.datastores.marketplace.secrets.SecretBox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.datastores.stack.KafkaBroker;
import io.datastores.testkit.JavaProcess;
import io.datastores.testkit.ProjectLayout;

/**
 * The four services and the simulator as real processes (started from their build output, as
 * {@code ./dcp up} does) against a given broker and registry, on free ports.
 */
final class ControlPlane implements AutoCloseable {

    record Part(String module, String mainClass) {
    }

    static final Map<String, Part> PARTS = Map.of(
            "provisioning-service", new Part("provisioning-service", "io.datastores.provisioning.Application"),
            "failover-service", new Part("failover-service", "io.datastores.failover.Application"),
            "backup-service", new Part("backup-service", "io.datastores.backup.Application"),
            "marketplace-service", new Part("marketplace-service", "io.datastores.marketplace.Application"),
            "simulator", new Part("simulator", "io.datastores.simulator.Simulator"));

    private final String bootstrap;
    private final String registryUrl;
    private final Path dir;
    private final Map<String, String> extra;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, JavaProcess> running = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
    /** How long marketplace-service waits for a data plane's login with imported credentials, in every test. */
    static final String VERIFICATION_TIMEOUT = "15s";

    private boolean localDataPlane;
    private int serverPorts;

    ControlPlane(String bootstrap, String registryUrl, Path dir) {
        this(bootstrap, registryUrl, dir, Map.of());
    }

    /** With {@code extra} settings for every part (a fast simulator clock, a short timer interval). */
    ControlPlane(String bootstrap, String registryUrl, Path dir, Map<String, String> extra) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.dir = dir;
        this.extra = extra;
        PARTS.keySet().forEach(name -> ports.put(name, KafkaBroker.freePort()));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("auth.secret"), AUTH_SECRET);
            Files.writeString(dir.resolve("master.key"), SecretBox.newMasterKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The token secret every part of a test control plane shares. */
    static final String AUTH_SECRET = "system-tests-token-secret-" + UUID.randomUUID();
    static final TokenIssuer TOKENS = new TokenIssuer(AUTH_SECRET);

    /** A bearer token for tests: an operator's when {@code organization} is null. */
    static String token(String organization, Role... roles) {
        Set<Role> set = roles.length == 0 ? Set.of(organization == null ? Role.OPERATOR : Role.PLATFORM)
                : Set.of(roles);
        return TOKENS.issue("system-tests", set, organization, Instant.now().plus(Duration.ofHours(2)));
    }

    /** An operator's token that expired an hour ago. */
    static String expiredToken() {
        return TOKENS.issue("system-tests", Set.of(Role.OPERATOR), null, Instant.now().minus(Duration.ofHours(1)));
    }

    /** An operator's token signed with a secret the services do not know. */
    static String forgedToken() {
        return new TokenIssuer("a-secret-the-services-never-saw-" + UUID.randomUUID()).issue("system-tests",
                Set.of(Role.OPERATOR), null, Instant.now().plus(Duration.ofHours(2)));
    }

    /** An operator's token, signed with the stack's secret, for another audience than the services'. */
    static String wrongAudienceToken() {
        return TOKENS.sign(operatorClaims().audience("another-api").build());
    }

    /** An operator's token that is not signed at all ({@code alg: none}). */
    static String unsignedToken() {
        return new com.nimbusds.jwt.PlainJWT(operatorClaims().build()).serialize();
    }

    private static com.nimbusds.jwt.JWTClaimsSet.Builder operatorClaims() {
        return new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("system-tests").audience(TokenIssuer.AUDIENCE)
                .claim(TokenIssuer.ROLES_CLAIM, List.of("operator"))
                .expirationTime(java.util.Date.from(Instant.now().plus(Duration.ofHours(2))));
    }

    /**
     * Runs the local data plane (real PostgreSQL servers, as the {@code postgres} user when the tests run
     * as root) and its endpoint server beside the services; the simulator then plays MySQL and the cache.
     * Its state, servers, CA and keys are under this control plane's directory, which the servers' user
     * must be able to enter.
     */
    ControlPlane withLocalDataPlane() {
        localDataPlane = true;
        ports.put("endpoints", KafkaBroker.freePort());
        ports.put("dataplane", KafkaBroker.freePort());
        try {
            for (Path p = dir; p != null && p.startsWith(ProjectLayout.root()); p = p.getParent()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * marketplace-service's sealing keys ({@link #vault()}), the local data plane's public key
     * ({@link #dataPlaneVault()}; no data plane runs here, so a test that plays one makes it) and
     * the stack's CA ({@link #caFile()}, absent unless a test writes it), as {@code ./dcp} passes them.
     */
    private void sealingSettings(Map<String, String> props) {
        props.put("dcp.marketplace.seal-dir", vault().toString());
        props.put("dcp.marketplace.dataplane-seal-dir", dataPlaneVault().toString());
        props.put("dcp.marketplace.ca-file", caFile().toString());
    }

    /** Where marketplace-service keeps its sealing key pair ({@code seal.key}, {@code seal.pub}). */
    Path vault() {
        return dir.resolve("vault");
    }

    /** Where the local data plane keeps its sealing key pair, whose {@code seal.pub} marketplace reads. */
    Path dataPlaneVault() {
        return dir.resolve("dataplane-vault");
    }

    /** The stack's CA certificate, which marketplace-service hands out at {@code GET /instances/{id}/ca}. */
    Path caFile() {
        return dir.resolve("tls").resolve("ca.crt");
    }

    /**
     * Starts every part and waits until each is healthy. A part that does not come up stops every
     * part started: a test class whose start fails leaves no process behind to load the classes after
     * it (its {@code plane} field is never assigned, so its {@code @AfterAll} cannot close them).
     */
    ControlPlane start() {
        long started = System.nanoTime();
        try {
            // once, before the parts start together (PlatformBootstrap: writers meeting on a fresh
            // registry wait out its lock timeouts, a minute and more)
            PlatformBootstrap.prepare(bootstrap, new ContractSerdes(registryUrl).registry(), Duration.ofSeconds(60));
            PARTS.keySet().forEach(this::launch);
            if (localDataPlane) {
                launchDataPlane();
            }
            PARTS.keySet().forEach(this::awaitHealthy);
            if (localDataPlane) {
                awaitHealthy("endpoints");
                awaitHealthy("dataplane");
            }
            System.out.printf("control plane %s healthy in %.1f s%n", running.keySet(),
                    (System.nanoTime() - started) / 1e9);
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The endpoint server and the local data plane, on free ports, with a port range of their own. */
    void launchDataPlane() {
        Map<String, String> endpoint = new LinkedHashMap<>();
        endpoint.put("endpoint.dir", dir.resolve("endpoints").toString());
        endpoint.put("endpoint.control-port", String.valueOf(ports.get("endpoints")));
        running.put("endpoints", JavaProcess.module("dataplane", "io.datastores.dataplane.endpoint.EndpointServer",
                endpoint, dir.resolve("logs").resolve("endpoints")).start());
        serverPorts = 16000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(130) * 100;
        relaunchDataPlane();
    }

    /** The local data plane process alone (again, after {@link #kill}), with the same settings; no wait. */
    void relaunchDataPlane() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("schema.registry.url", registryUrl);
        props.put("dataplane.dir", dataPlaneDir().toString());
        props.put("dataplane.http.port", String.valueOf(ports.get("dataplane")));
        props.put("dataplane.endpoint-url", "http://127.0.0.1:" + ports.get("endpoints"));
        props.put("dataplane.tls-dir", dir.resolve("tls").toString());
        props.put("dataplane.seal-dir", vault().toString());
        props.put("dataplane.vault-dir", dataPlaneVault().toString());
        props.put("dataplane.ports", serverPorts + "-" + (serverPorts + 99));
        running.put("dataplane", JavaProcess.module("dataplane", "io.datastores.dataplane.run.LocalDataPlane", props,
                dir.resolve("logs").resolve("dataplane")).start());
    }

    /** The local data plane's directory (its fleet and the servers' data). */
    Path dataPlaneDir() {
        return dir.resolve("dataplane");
    }



    void launch(String name) {
        launch(name, name);
    }

    /**
     * Another instance of a service in the same application id ({@code replica} names it, e.g.
     * {@code failover-service#2}), with its own port and state: the two share the partitions.
     */
    void launchReplica(String replica) {
        ports.putIfAbsent(replica, KafkaBroker.freePort());
        launch(replica.substring(0, replica.indexOf('#')), replica);
    }

    /** Settings for one part or replica ({@code name}) from its next launch on, over every other. */
    void override(String name, Map<String, String> settings) {
        overrides.put(name, Map.copyOf(settings));
    }

    /** Starts a part or replica again (after {@link #kill}), without waiting. */
    void relaunch(String name) {
        if (name.contains("#")) {
            launchReplica(name);
        } else {
            launch(name);
        }
    }

    /** The parts and replicas launched so far, by name. */
    List<String> launched() {
        return List.copyOf(running.keySet());
    }

    private void launch(String service, String name) {
        Part part = PARTS.get(service);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("schema.registry.url", registryUrl);
        props.put("micronaut.server.port", String.valueOf(ports.get(name)));
        props.put("http.port", String.valueOf(ports.get(name)));
        props.put("dcp.state.dir", dir.resolve("state").resolve(name.replace('#', '-')).toString());
        props.put("sim.heartbeat-ms", "1000");
        props.put("sim.provisioning-delay-ms", "50");
        props.put("dcp.auth.secret-file", dir.resolve("auth.secret").toString());
        props.put("dcp.marketplace.master-key-file", dir.resolve("master.key").toString());
        // one setting for every test class's marketplace, shadows too: a rebuild in one class re-decides the
        // verifications another class's marketplace let expire, and must come to the same refusals
        props.put("dcp.marketplace.verification-timeout", VERIFICATION_TIMEOUT);
        if (localDataPlane && service.equals("simulator")) {
            props.put("sim.engines", "MYSQL,CACHE"); // the local data plane runs PostgreSQL
        }
        if (localDataPlane && service.equals("failover-service")) {
            props.put("dcp.failover.region.min-silent", "2"); // as ./dcp up: one process beats for every server
        }
        sealingSettings(props);
        props.putAll(extra);
        props.putAll(overrides.getOrDefault(name, Map.of()));
        running.put(name, JavaProcess.module(part.module(), part.mainClass(), props,
                dir.resolve("logs").resolve(name.replace('#', '-'))).start());
    }

    /**
     * A second copy of a service under its own application id, state and port, publishing nothing
     * ({@code dcp.shadow}): it rebuilds from the log; returns its base URL.
     */
    /** A shadow: where it listens and its application id. */
    record Shadow(String url, String applicationId) {
    }

    Shadow launchShadow(String name) {
        Part part = PARTS.get(name);
        int port = KafkaBroker.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("schema.registry.url", registryUrl);
        props.put("micronaut.server.port", String.valueOf(port));
        props.put("dcp.state.dir", dir.resolve("state").resolve(name + "-shadow").toString());
        String applicationId = name + "-shadow-" + UUID.randomUUID();
        props.put("kafka.streams.default.application.id", applicationId);
        // 0, as live (and as ./dcp): a backlog is still read in event-time order (a task waits for records
        // known to be on the broker); 2000 made a shadow wait for every quiet input and trail live traffic
        props.put("kafka.streams.default.max.task.idle.ms", "0");
        props.put("dcp.shadow", "true");
        props.put("dcp.auth.secret-file", dir.resolve("auth.secret").toString());
        props.put("dcp.marketplace.master-key-file", dir.resolve("master.key").toString());
        // one setting for every test class's marketplace, shadows too: a rebuild in one class re-decides the
        // verifications another class's marketplace let expire, and must come to the same refusals
        props.put("dcp.marketplace.verification-timeout", VERIFICATION_TIMEOUT);
        sealingSettings(props);
        JavaProcess shadow = JavaProcess.module(part.module(), part.mainClass(), props,
                dir.resolve("logs-shadow").resolve(applicationId)).start();
        running.put(applicationId, shadow);
        shadow.awaitHttpOk("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(120));
        return new Shadow("http://127.0.0.1:" + port, applicationId);
    }

    /** Every log line every part (and shadow) wrote so far. */
    String allLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path logs : List.of(dir.resolve("logs"), dir.resolve("logs-shadow"))) {
            if (Files.isDirectory(logs)) {
                try (var files = Files.walk(logs)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        all.append(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }
        return all.toString();
    }

    /** The file holding this control plane's token secret. */
    Path authSecretFile() {
        return dir.resolve("auth.secret");
    }

    void awaitHealthy(String name) {
        running.get(name).awaitHttpOk(url(name, "/health"), Duration.ofSeconds(120));
    }

    /** Whether a part or replica's process is running. */
    boolean isAlive(String name) {
        return running.get(name).isAlive();
    }

    /** SIGKILL, as a crashed machine would. */
    void kill(String name) {
        running.get(name).kill();
    }

    String url(String name, String path) {
        return "http://127.0.0.1:" + ports.get(name) + path;
    }

    String log(String name) {
        return running.get(name).tail();
    }

    @Override
    public void close() {
        running.values().forEach(JavaProcess::close);
        if (localDataPlane) {
            stopServers();
        }
    }

    /** The servers outlive the data plane (by design); a test leaves none behind. */
    private void stopServers() {
        Path nodes = dataPlaneDir().resolve("nodes");
        if (!Files.isDirectory(nodes)) {
            return;
        }
        try (var dirs = Files.list(nodes)) {
            for (Path node : dirs.toList()) {
                Path data = node.resolve("data");
                if (!Files.exists(data.resolve("postmaster.pid"))) {
                    continue;
                }
                List<String> command = new java.util.ArrayList<>();
                if ("root".equals(System.getProperty("user.name"))) {
                    command.addAll(List.of("runuser", "-u", "postgres", "--"));
                }
                command.addAll(List.of("/usr/lib/postgresql/15/bin/pg_ctl", "-D", data.toString(), "-m", "immediate",
                        "-w", "-s", "stop"));
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
