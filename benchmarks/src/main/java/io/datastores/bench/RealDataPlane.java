package io.datastores.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;


import io.datastores.contract.Topics;
import io.datastores.events.AdminCredentialIssued;
import io.datastores.events.BillingEventEnvelope;
import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.FailoverCompleted;
import io.datastores.events.InstanceDeletionRequested;
import io.datastores.events.InstanceReady;
import io.datastores.events.InstanceRequestEnvelope;
import io.datastores.events.InstanceRequested;
import io.datastores.events.NodeAlertEnvelope;
import io.datastores.events.NodeFailed;
import io.datastores.events.OrganizationTier;
import io.datastores.events.OrganizationTierChanged;
import io.datastores.stack.KafkaBroker;

/**
 * The control plane with real servers, as a client sees it ({@code ./bench --only real}): the whole
 * stack runs as processes ({@link RealStack}) and each figure is measured beside its baseline, in the
 * same run: request to READY for Premium (three servers) against Hobbyist (one); the client-seen write
 * downtime when a Premium primary is lost and found by silence, against the same loss announced at once
 * by platform monitoring; the write pause of a planned switchover; and each real server's memory (PSS)
 * against a server with a distribution's default settings under the same writer.
 */
final class RealDataPlane {

    private static final String ORG = "org-bench-real";
    private static final String PREMIUM = "PREMIUM-4";
    private static final String DETECTION = "heartbeat 1 s, timeout 3 s, regional settle 1.5 s (failover-service's"
            + " defaults; region.min-silent=2, as on the local stack)";
    private static final Duration WRITE_FOR = Duration.ofSeconds(10);

    private final int samples;
    private RealStack stack;
    private EventFeed feed;
    private int next;

    private final List<Double> premiumReady = new ArrayList<>();
    private final List<Double> hobbyistReady = new ArrayList<>();
    private final List<Double> silentDowntime = new ArrayList<>();
    private final List<Double> announcedDowntime = new ArrayList<>();
    private final List<Double> switchoverPause = new ArrayList<>();
    private long silentLost;
    private long announcedLost;
    private long switchoverLost;
    private final List<String> failures = new ArrayList<>();
    private String nodeMemory;
    private double nodeRestKiB = -1;
    private double nodeWritesKiB = -1;
    private double nodeRate;

    RealDataPlane(int samples) {
        this.samples = samples;
    }

    /** Whether PostgreSQL 15's tools are installed where the data plane looks for them. */
    static boolean available() {
        return Files.isExecutable(RealStack.PG_BIN.resolve("initdb"));
    }

    List<Result> run(KafkaBroker broker, Path work) throws Exception {
        try (RealStack started = new RealStack(broker, work.resolve("stack")).start();
                EventFeed events = new EventFeed(started.bootstrap(), started.serdes(), List.of(Topics.INSTANCE_EVENTS,
                        Topics.DATA_PLANE_EVENTS, Topics.FAILOVER_EVENTS))) {
            stack = started;
            feed = events;
            pays();
            for (int i = 0; i < samples; i++) {
                boolean first = i == 0;
                sample("hobbyist ready", this::hobbyist);
                sample("primary lost, silent", () -> primaryLost(false, first));
                sample("primary lost, announced", () -> primaryLost(true, false));
                sample("switchover", this::switchover);
            }
        }
        List<Result> results = new ArrayList<>();
        readyFigures(results);
        lossFigures(results);
        memoryFigures(work.resolve("default-server"), results);
        failures.forEach(f -> System.out.println("real data plane: a sample failed: " + f));
        return results;
    }

    private interface Sample {
        void run() throws Exception;
    }

    private void sample(String what, Sample sample) {
        try {
            sample.run();
        } catch (Exception | AssertionError e) {
            failures.add(what + ": " + e.getMessage());
            System.out.println("real data plane: " + what + " failed: " + e);
        }
    }

    // --- the figures ---

    private void readyFigures(List<Result> results) {
        String conditions = String.format(Locale.ROOT, "%s (three servers, quorum synchronous): %d samples; baseline"
                + " HOBBYIST (one server): %d samples; from InstanceRequested sent to InstanceReady read (read_committed"
                + " on dcp.instance-events); real PostgreSQL 15 servers on the local data plane%s", PREMIUM,
                premiumReady.size(), hobbyistReady.size(), failed());
        medianAndWorst(results, "real READY Premium", premiumReady, 10.0, conditions);
        medianAndWorst(results, "real READY Hobbyist (baseline)", hobbyistReady, null, conditions);
    }

    private void lossFigures(List<Result> results) {
        String loss = String.format(Locale.ROOT, "%s, %d samples: a steady writer (one insert per commit) through"
                + " the endpoint (TLS verify-full), the primary lost (POST /nodes/{id}/lose) and found by silence;"
                + " %s; baseline (%d samples): the same loss announced at once (NodeFailed on dcp.node-alerts);"
                + " downtime = the longest gap between acknowledged commits; lost = acknowledged rows missing after%s",
                PREMIUM, silentDowntime.size(), DETECTION, announcedDowntime.size(), failed());
        medianAndWorst(results, "real loss downtime (silent)", silentDowntime, 10.0, loss);
        if (!silentDowntime.isEmpty()) {
            results.add(new Result("real loss commits lost (silent)", "total", silentLost, "rows", 0.0, true, loss));
        }
        medianAndWorst(results, "real loss downtime (announced)", announcedDowntime, null, loss);
        if (!announcedDowntime.isEmpty()) {
            results.add(new Result("real loss lost (announced)", "total", announcedLost, "rows", null, true, loss));
        }
        String switchover = String.format(Locale.ROOT, "%s, %d samples: POST /instances/{id}/switchover (operator)"
                + " under the same writer, the standbys heard for a while first; pause = the longest gap between"
                + " acknowledged commits; baseline: the unplanned downtime above%s", PREMIUM, switchoverPause.size(),
                failed());
        medianAndWorst(results, "real switchover pause", switchoverPause, 1.0, switchover);
        if (!switchoverPause.isEmpty()) {
            results.add(new Result("real switchover commits lost", "total", switchoverLost, "rows", 0.0, true,
                    switchover));
        }
    }

    private void memoryFigures(Path dir, List<Result> results) throws Exception {
        if (nodeRestKiB < 0) {
            return;
        }
        double baseRest;
        double baseWrites;
        double baseRate;
        try (DefaultServer server = new DefaultServer(dir)) {
            Thread.sleep(5_000);
            baseRest = Pss.ofServer(server.dataDir());
            try (SteadyWriter writer = new SteadyWriter(server::connect)) {
                long start = System.nanoTime();
                Thread.sleep(WRITE_FOR.toMillis());
                baseWrites = Pss.ofServer(server.dataDir());
                baseRate = writer.acked() / ((System.nanoTime() - start) / 1e9);
            }
        }
        String conditions = String.format(Locale.ROOT, "PSS (smaps_rollup) of the postmaster and all its children;"
                + " %s's servers (shared_buffers 16MB, work_mem 2MB), mean per node (%s), at rest 5 s after READY and"
                + " after %d s of the steady writer through the endpoint (%.0f commits/s, synchronous); baseline: a"
                + " server initdb'd here with Debian's defaults (shared_buffers 128MB, max_connections 100; no TLS),"
                + " the same writer (%.0f commits/s)", PREMIUM, nodeMemory, WRITE_FOR.toSeconds(), nodeRate, baseRate);
        results.add(new Result("real node PSS (Premium)", "at rest", nodeRestKiB / 1024, "MiB", null, true,
                conditions));
        results.add(new Result("real node PSS (Premium)", "writes", nodeWritesKiB / 1024, "MiB", null, true,
                conditions));
        results.add(new Result("real node PSS (Debian defaults)", "at rest", baseRest / 1024, "MiB", null, true,
                conditions));
        results.add(new Result("real node PSS (Debian defaults)", "writes", baseWrites / 1024, "MiB", null, true,
                conditions));
    }

    private static void medianAndWorst(List<Result> results, String name, List<Double> samples, Double target,
            String conditions) {
        if (samples.isEmpty()) {
            return;
        }
        results.add(new Result(name, "median", WriteRecord.median(samples), "s", target, true, conditions));
        results.add(new Result(name, "worst", WriteRecord.worst(samples), "s", target, true, conditions));
    }

    private String failed() {
        return failures.isEmpty() ? "" : "; " + failures.size() + " samples failed: " + String.join("; ", failures);
    }

    // --- the samples ---

    private void hobbyist() throws Exception {
        String id = "bench-h-" + next++;
        try {
            hobbyistReady.add(ready(id, "HOBBYIST").seconds());
        } finally {
            delete(id);
        }
    }

    private void primaryLost(boolean announced, boolean measureMemory) throws Exception {
        String id = "bench-" + (announced ? "a" : "l") + "-" + next++;
        try {
            Real real = ready(id, PREMIUM);
            premiumReady.add(real.seconds());
            if (measureMemory) {
                Thread.sleep(5_000);
                nodeRestKiB = nodesPss(id, false);
            }
            SteadyWriter writer = new SteadyWriter(real::connect);
            try {
                long start = System.nanoTime();
                writer.awaitAcked(200, 30_000);
                if (measureMemory) {
                    Thread.sleep(Math.max(0, WRITE_FOR.toMillis() - (System.nanoTime() - start) / 1_000_000));
                    nodeRate = writer.acked() / ((System.nanoTime() - start) / 1e9);
                    nodeWritesKiB = nodesPss(id, true);
                }
                String primary = id + "-n1";
                var lost = stack.post("dataplane", "/nodes/" + primary + "/lose", null);
                if (lost.statusCode() != 200) {
                    throw new IllegalStateException("the data plane refused to lose " + primary + ": " + lost.body());
                }
                if (announced) {
                    stack.send(Topics.NODE_ALERTS, id, new NodeAlertEnvelope(meta("monitoring"), new NodeFailed(id,
                            primary, "bench: the host is gone", "PLATFORM", 0L)));
                }
                awaitFailover(id);
                writer.awaitAcked(writer.acked() + 100, 30_000);
            } finally {
                writer.close();
            }
            double downtime = WriteRecord.longestGapMillis(writer.ackNanos()) / 1000;
            long lost = WriteRecord.lost(writer.ackedIds(), writer.rowsPresent()).size();
            System.out.printf(Locale.ROOT, "real data plane: %s primary lost (%s): downtime %.2f s, %d of %d commits"
                    + " lost%n", id, announced ? "announced" : "silent", downtime, lost, writer.acked());
            if (announced) {
                announcedDowntime.add(downtime);
                announcedLost += lost;
            } else {
                silentDowntime.add(downtime);
                silentLost += lost;
            }
        } finally {
            delete(id);
        }
    }

    private void switchover() throws Exception {
        String id = "bench-s-" + next++;
        try {
            Real real = ready(id, PREMIUM);
            premiumReady.add(real.seconds());
            // a switchover promotes a standby failover-service has heard for a while
            long deadline = System.currentTimeMillis() + 30_000;
            while (!stack.get("failover-service", "/instances/" + id + "/nodes").body().contains(id + "-n3")) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("failover-service never heard " + id + "-n3");
                }
                Thread.sleep(200);
            }
            Thread.sleep(3_000);
            SteadyWriter writer = new SteadyWriter(real::connect);
            try {
                writer.awaitAcked(200, 30_000);
                var asked = stack.post("failover-service", "/instances/" + id + "/switchover",
                        "{\"operator\":\"bench\",\"note\":\"bench\"}");
                for (int i = 0; i < 30 && asked.statusCode() != 200; i++) {
                    Thread.sleep(1_000);
                    asked = stack.post("failover-service", "/instances/" + id + "/switchover",
                            "{\"operator\":\"bench\",\"note\":\"bench\"}");
                }
                if (asked.statusCode() != 200) {
                    throw new IllegalStateException("switchover refused: " + asked.statusCode() + " " + asked.body());
                }
                awaitFailover(id);
                writer.awaitAcked(writer.acked() + 100, 30_000);
            } finally {
                writer.close();
            }
            double pause = WriteRecord.longestGapMillis(writer.ackNanos()) / 1000;
            long lost = WriteRecord.lost(writer.ackedIds(), writer.rowsPresent()).size();
            System.out.printf(Locale.ROOT, "real data plane: %s switchover: pause %.2f s, %d of %d commits lost%n", id,
                    pause, lost, writer.acked());
            switchoverPause.add(pause);
            switchoverLost += lost;
        } finally {
            delete(id);
        }
    }

    // --- the platform's side ---

    /** An instance READY: how long it took, its endpoint and its admin password (Premium only). */
    private record Real(String id, double seconds, int endpointPort, String password, Path ca) {

        Connection connect() throws SQLException {
            return io.datastores.dataplane.engine.InstanceClient.connect(endpointPort, "admin", password, ca);
        }
    }

    private Real ready(String id, String plan) throws Exception {
        InstanceRequestEnvelope request = new InstanceRequestEnvelope(meta("bench"), InstanceRequested.newBuilder()
                .setRequestId("req-" + id).setOrganizationId(ORG).setInstanceId(id).setDisplayName("db " + id)
                .setEngine(Engine.POSTGRESQL).setCloud(Cloud.AWS).setRegion("us-east-1").setPlan(plan).build());
        long sent = System.nanoTime();
        stack.send(Topics.INSTANCE_REQUESTS, id, request);
        double seconds = (feed.await(id, InstanceReady.class, Duration.ofMinutes(3)).atNanos() - sent) / 1e9;
        System.out.printf(Locale.ROOT, "real data plane: %s (%s) READY in %.2f s%n", id, plan, seconds);
        if (!plan.equals(PREMIUM)) {
            return new Real(id, seconds, 0, null, null);
        }
        feed.await(id, AdminCredentialIssued.class, Duration.ofSeconds(60));
        AdminCredentialIssued admin = feed.all(id, AdminCredentialIssued.class).get(0);
        String password = stack.open(bytes(admin.getSealedPassword()), id);
        int port = stack.servers().stream().filter(n -> n.get("nodeId").asText().equals(id + "-n1")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the data plane runs no " + id + "-n1"))
                .get("endpointPort").asInt();
        return new Real(id, seconds, port, password, stack.caFile());
    }

    private void awaitFailover(String id) throws Exception {
        try {
            feed.await(id, FailoverCompleted.class, Duration.ofSeconds(90));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; failover-service says "
                    + stack.get("failover-service", "/instances/" + id + "/failovers").body(), e);
        }
    }

    /** The mean PSS of an instance's three servers, in KiB; {@code describe}: keeps each for the conditions. */
    private double nodesPss(String id, boolean describe) throws Exception {
        List<String> each = new ArrayList<>();
        long total = 0;
        for (int n = 1; n <= 3; n++) {
            long kib = Pss.ofServer(stack.dataPlaneDir().resolve("nodes").resolve(id + "-n" + n).resolve("data"));
            total += kib;
            each.add(String.format(Locale.ROOT, "%s %.1f", n == 1 ? "primary" : "standby", kib / 1024.0));
        }
        if (describe) {
            nodeMemory = "under writes " + String.join(", ", each) + " MiB";
        }
        return total / 3.0;
    }

    /** Billing says the organization pays; waits until provisioning knows. */
    private void pays() throws Exception {
        stack.send(Topics.BILLING_EVENTS, ORG, new BillingEventEnvelope(meta("billing"),
                new OrganizationTierChanged(ORG, OrganizationTier.PAID)));
        long deadline = System.currentTimeMillis() + 60_000;
        while (!stack.get("provisioning-service", "/organizations/" + ORG).body().contains("\"tier\":\"PAID\"")) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("provisioning never heard that " + ORG + " pays");
            }
            Thread.sleep(200);
        }
    }

    /** Deletes the instance and waits until the data plane runs none of its servers (it runs 12 at most). */
    private void delete(String id) throws Exception {
        stack.send(Topics.INSTANCE_REQUESTS, id, new InstanceRequestEnvelope(meta("bench"),
                new InstanceDeletionRequested("del-" + id, ORG, id)));
        long deadline = System.currentTimeMillis() + 90_000;
        while (stack.servers().stream().anyMatch(n -> n.get("instanceId").asText().equals(id))) {
            if (System.currentTimeMillis() > deadline) {
                failures.add(id + " was not deleted within 90 s");
                return;
            }
            Thread.sleep(200);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static EventMetadata meta(String producer) {
        String id = UUID.randomUUID().toString();
        return new EventMetadata(id, id, null, Instant.now(), producer);
    }
}
