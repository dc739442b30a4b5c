package io.datastores.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.StreamsResetter;

import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.auth.Role;
import io.datastores.kit.auth.TokenIssuer;
import io.datastores.kit.json.JsonSerde;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The Java half of {@code ./dcp rebuild} and {@code ./dcp verify-replay}: what each service reads,
 * Kafka's streams reset tool, comparing a live service's state with a shadow's, and cleaning up an
 * application id that is done with.
 */
final class Rebuild {

    /** The topics each service reads: what the streams reset tool rewinds. */
    static final Map<String, List<TopicSpec<?>>> INPUTS = Map.of(
            "provisioning-service", List.of(Topics.INSTANCE_REQUESTS, Topics.BILLING_EVENTS, Topics.DATA_PLANE_EVENTS,
                    Topics.INSTANCE_EVENTS, Topics.FAILOVER_EVENTS),
            "failover-service", List.of(Topics.INSTANCE_EVENTS, Topics.NODE_TELEMETRY, Topics.NODE_ALERTS,
                    Topics.DATA_PLANE_EVENTS, Topics.RESTORE_POINTS, Topics.FAILOVER_EVENTS, Topics.FAILOVER_COMMANDS),
            "backup-service", List.of(Topics.INSTANCE_EVENTS, Topics.DATA_PLANE_EVENTS, Topics.FAILOVER_EVENTS,
                    Topics.BACKUP_COMMANDS),
            "marketplace-service", List.of(Topics.INSTANCE_EVENTS, Topics.FAILOVER_EVENTS, Topics.BACKUP_EVENTS,
                    Topics.RESTORE_POINTS, Topics.MARKETPLACE_COMMANDS));

    /**
     * The topics a service's live instance only relays into a log of its own and its shadow does not
     * read for them (failover-service's relays, ADR 11): at a blue-green switch the new application
     * id must go on relaying where the old one stopped.
     */
    static final Map<String, List<TopicSpec<?>>> RELAYED = Map.of(
            "failover-service", List.of(Topics.FAILOVER_EVENTS, Topics.FAILOVER_COMMANDS, Topics.DATA_PLANE_EVENTS,
                    Topics.RESTORE_POINTS, Topics.NODE_ALERTS));

    private Rebuild() {
    }

    static List<TopicSpec<?>> inputs(String service) {
        List<TopicSpec<?>> in = INPUTS.get(service);
        if (in == null) {
            throw new CommandLine.ParameterException(new CommandLine(new Dcp()), "unknown service '" + service
                    + "'; services: " + INPUTS.keySet().stream().sorted().toList());
        }
        return in;
    }

    @Command(name = "app-reset", description = "Kafka's streams application reset tool for one service: its "
            + "input offsets back to the earliest, its internal topics deleted. The service must be stopped.")
    static final class AppReset implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", description = "the service")
        String service;

        @Option(names = "--application-id", description = "its application id (default: the service's name)")
        String applicationId;

        @Option(names = "--dry-run", description = "say what would be reset")
        boolean dryRun;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("--bootstrap-server", connection.bootstrap,
                    "--application-id", applicationId == null ? service : applicationId, "--input-topics",
                    inputs(service).stream().map(TopicSpec::name).collect(Collectors.joining(",")),
                    "--to-earliest", "--force"));
            if (dryRun) {
                args.add("--dry-run");
            }
            return new StreamsResetter().execute(args.toArray(String[]::new));
        }
    }

    @Command(name = "hand-over", description = "At a blue-green switch, both stopped: on the topics the "
            + "service only relays (failover-service's journal), the new application id's positions become the "
            + "old one's where it is further, or has none, so that nothing is left unrelayed and nothing is "
            + "relayed from the start again.")
    static final class HandOver implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", description = "the service")
        String service;

        @Parameters(index = "1", description = "the old application id")
        String from;

        @Parameters(index = "2", description = "the new application id")
        String to;

        @Override
        public Integer call() throws Exception {
            inputs(service);
            List<TopicSpec<?>> relayed = RELAYED.getOrDefault(service, List.of());
            if (relayed.isEmpty()) {
                System.out.println(service + " relays nothing: no positions to hand over");
                return 0;
            }
            Set<String> topics = relayed.stream().map(TopicSpec::name).collect(Collectors.toSet());
            try (Admin admin = admin(connection)) {
                Map<TopicPartition, OffsetAndMetadata> old = positions(admin, from, topics);
                Map<TopicPartition, OffsetAndMetadata> now = positions(admin, to, topics);
                Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
                old.forEach((tp, position) -> {
                    OffsetAndMetadata own = now.get(tp);
                    if (own == null || own.offset() > position.offset()) {
                        moved.put(tp, new OffsetAndMetadata(position.offset()));
                    }
                });
                if (!moved.isEmpty()) {
                    admin.alterConsumerGroupOffsets(to, moved).all().get();
                }
                System.out.println("handed over " + moved.size() + " position(s) of " + from + " to " + to + " on "
                        + topics.stream().sorted().toList());
            }
            return 0;
        }

        private static Map<TopicPartition, OffsetAndMetadata> positions(Admin admin, String group, Set<String> topics)
                throws Exception {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetAndMetadata> kept = new HashMap<>();
            all.forEach((tp, position) -> {
                if (position != null && topics.contains(tp.topic())) {
                    kept.put(tp, position);
                }
            });
            return kept;
        }
    }

    @Command(name = "app-cleanup", description = "Delete what an application id left behind: its internal "
            + "topics (changelogs, repartition topics) and its consumer group.")
    static final class AppCleanup implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", description = "the application id")
        String applicationId;

        @Override
        public Integer call() throws Exception {
            if (Rebuild.INPUTS.containsKey(applicationId)) {
                System.err.println("dcp app-cleanup: '" + applicationId + "' is a live service's default id; refused");
                return 2;
            }
            try (Admin admin = admin(connection)) {
                Set<String> topics = admin.listTopics().names().get().stream()
                        .filter(t -> t.startsWith(applicationId + "-")).collect(Collectors.toSet());
                if (!topics.isEmpty()) {
                    admin.deleteTopics(topics).all().get();
                }
                try {
                    admin.deleteConsumerGroups(List.of(applicationId)).all().get();
                } catch (Exception e) {
                    // no group: nothing to delete
                }
                System.out.println("deleted " + topics.size() + " internal topic(s) and the group of " + applicationId);
            }
            return 0;
        }
    }

    @Command(name = "compare-state", description = "Compare a live service's stores with a shadow's (GET "
            + "/admin/stores), waiting for the shadow to catch up; print the differences; exit 1 on any.")
    static final class CompareState implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", description = "the live service's base URL")
        String live;

        @Parameters(index = "1", description = "the shadow's base URL")
        String shadow;

        @Option(names = "--shadow-application-id", description = "the shadow's application id, to show its lag")
        String shadowApplicationId;

        @Option(names = "--secret-file", description = "the token secret's file",
                defaultValue = "${env:DCP_AUTH_SECRET_FILE:-.stack/auth.secret}")
        Path secretFile;

        @Option(names = "--wait-seconds", description = "how long the shadow may take to catch up",
                defaultValue = "120")
        long waitSeconds;

        @Option(names = "--until-caught-up", description = "only wait for the shadow to catch up (its lag at most "
                + "one record per partition), report the comparison, and exit 0 (blue/green switch)")
        boolean untilCaughtUp;

        private final HttpClient http = HttpClient.newHttpClient();
        private String token;

        @Override
        public Integer call() throws Exception {
            token = TokenIssuer.fromFile(secretFile).issue("dcp-verify-replay", Set.of(Role.OPERATOR),
                    null, Instant.now().plus(Duration.ofHours(1)));
            long deadline = System.currentTimeMillis() + waitSeconds * 1000;
            Map<String, String> liveDigests = Map.of();
            Map<String, String> shadowDigests = Map.of();
            long lastReport = 0;
            if (untilCaughtUp) {
                long partitions = Long.MAX_VALUE;
                while (System.currentTimeMillis() < deadline) {
                    long[] lag = lagAndPartitions(shadowApplicationId);
                    System.out.println("... rebuilding: " + lag[0] + " record(s) behind"
                            + (caughtUp(lag) ? "" : mostBehind(shadowApplicationId)));
                    if (caughtUp(lag) && !digests(shadow).isEmpty()) {
                        partitions = lag[1];
                        break;
                    }
                    Thread.sleep(2_000);
                }
                if (partitions == Long.MAX_VALUE) {
                    System.out.println("the rebuild did not catch up within " + waitSeconds + " s");
                    return 1;
                }
                Map<String, String> a = digests(live);
                Map<String, String> b = digests(shadow);
                b.forEach((store, d) -> System.out.println((d.equals(a.get(store)) ? "same     " : "changed  ")
                        + store + " " + d));
                System.out.println("caught up");
                return 0;
            }
            while (System.currentTimeMillis() < deadline) {
                liveDigests = digests(live);
                shadowDigests = digests(shadow);
                boolean caughtUp = shadowApplicationId == null || caughtUp(lagAndPartitions(shadowApplicationId))
                        || passedWhereTheLogEnded(shadowApplicationId);
                if (caughtUp && !liveDigests.isEmpty() && (liveDigests.equals(shadowDigests)
                        || sameEntries(liveDigests, shadowDigests))) {
                    liveDigests.forEach((store, d) -> System.out.println("same  " + store + " " + d));
                    System.out.println("no difference: the state rebuilt from the log is the live state");
                    return 0;
                }
                if (System.currentTimeMillis() - lastReport > 5_000) {
                    lastReport = System.currentTimeMillis();
                    System.out.println("... shadow catching up" + (shadowApplicationId == null ? ""
                            : ": " + lag(shadowApplicationId) + " record(s) behind" + mostBehind(shadowApplicationId)));
                }
                Thread.sleep(500);
            }
            System.out.println("DIFFERENT after " + waitSeconds + " s:");
            for (String store : liveDigests.keySet()) {
                if (!liveDigests.get(store).equals(shadowDigests.get(store))) {
                    System.out.println("  store " + store + ": live " + liveDigests.get(store) + ", rebuilt "
                            + shadowDigests.get(store));
                    printDifferences(store);
                }
            }
            return 1;
        }

        /**
         * Whether the stores whose digests differ hold the same entries when read again: a store that every
         * heartbeat rewrites (failover's heard nodes) moves on between the live service's digest and the
         * shadow's, and is equal when both have read as far.
         */
        private boolean sameEntries(Map<String, String> liveDigests, Map<String, String> shadowDigests)
                throws Exception {
            if (!liveDigests.keySet().equals(shadowDigests.keySet())) {
                return false;
            }
            for (String store : liveDigests.keySet()) {
                if (liveDigests.get(store).equals(shadowDigests.get(store))) {
                    continue;
                }
                try {
                    if (!entries(live, store).equals(entries(shadow, store))) {
                        return false;
                    }
                } catch (StoreUnreadable e) {
                    return false; // not readable now (a rebalance, a restore): compared again on the next round
                }
            }
            return true;
        }

        private void printDifferences(String store) throws Exception {
            Map<String, String> a;
            Map<String, String> b;
            try {
                a = entries(live, store);
                b = entries(shadow, store);
            } catch (StoreUnreadable e) {
                System.out.println("    (entries not compared: " + e.getMessage() + ")");
                return;
            }
            int shown = 0;
            for (String key : new java.util.TreeSet<>(union(a.keySet(), b.keySet()))) {
                if (!java.util.Objects.equals(a.get(key), b.get(key)) && shown++ < 10) {
                    int at = firstDifference(a.get(key), b.get(key));
                    System.out.println("    " + key + " (first difference at character " + at + ")\n      live:    "
                            + around(a.get(key), at) + "\n      rebuilt: " + around(b.get(key), at));
                }
            }
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            Set<String> out = new java.util.HashSet<>(a);
            out.addAll(b);
            return out;
        }

        private static int firstDifference(String a, String b) {
            if (a == null || b == null) {
                return 0;
            }
            int i = 0;
            while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
                i++;
            }
            return i;
        }

        /** The part of a JSON value around a position. */
        private static String around(String s, int at) {
            if (s == null) {
                return "(none)";
            }
            int from = Math.max(0, at - 120);
            int to = Math.min(s.length(), at + 180);
            return (from > 0 ? "..." : "") + s.substring(from, to) + (to < s.length() ? "..." : "");
        }

        private Map<String, String> digests(String base) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/stores"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return Map.of();
                }
                Map<String, String> out = new LinkedHashMap<>();
                for (JsonNode n : JsonSerde.MAPPER.readTree(r.body())) {
                    out.put(n.get("store").asText(), n.get("entries").asLong() + " entries, sha256 "
                            + n.get("sha256").asText());
                }
                return out;
            } catch (Exception e) {
                return Map.of();
            }
        }

        private Map<String, String> entries(String base, String store) throws Exception {
            Map<String, String> out = new HashMap<>();
            String from = "";
            while (true) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/stores/" + store
                        + "?limit=1000&from=" + java.net.URLEncoder.encode(from, java.nio.charset.StandardCharsets.UTF_8)))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode page = r.statusCode() == 200 ? JsonSerde.MAPPER.readTree(r.body()) : null;
                if (page == null || !page.isArray()) {
                    throw new StoreUnreadable(base + " answered " + r.statusCode() + " for store " + store + ": "
                            + (r.body().length() > 300 ? r.body().substring(0, 300) + "..." : r.body()));
                }
                int added = 0;
                for (JsonNode n : page) {
                    if (!n.hasNonNull("key") || !n.hasNonNull("json")) {
                        throw new StoreUnreadable(base + " answered an entry of store " + store
                                + " without a key or a value: " + n);
                    }
                    if (out.put(n.get("key").asText(), n.get("json").asText()) == null) {
                        added++;
                    }
                    from = n.get("key").asText();
                }
                if (added == 0) {
                    return out;
                }
            }
        }

        /** A store's entries could not be read from a service: its answer, as it came. */
        static final class StoreUnreadable extends java.io.IOException {
            StoreUnreadable(String message) {
                super(message);
            }
        }

        /** At most one record per partition behind (a transaction marker takes an offset). */
        /** Per partition the shadow reads, where the log ended when it was first seen. */
        private final Map<TopicPartition, Long> endedAt = new HashMap<>();

        /**
         * Whether the shadow has read past where each of its partitions ended when the wait began (a
         * transaction's commit marker aside). A service whose inputs never rest (failover's progress
         * records, 96 a second, and its marks) keeps a shadow a few records behind its ends at every
         * moment; once past where the log ended, its state is the live one's if they are ever equal.
         */
        private boolean passedWhereTheLogEnded(String applicationId) {
            try (Admin admin = admin(connection)) {
                Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, applicationId);
                Map<TopicPartition, OffsetAndMetadata> unseen = new HashMap<>();
                committed.forEach((tp, position) -> {
                    if (!endedAt.containsKey(tp)) {
                        unseen.put(tp, position);
                    }
                });
                if (!unseen.isEmpty()) {
                    ends(admin, unseen, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)
                            .forEach((tp, end) -> endedAt.put(tp, end.offset()));
                }
                return !committed.isEmpty() && committed.entrySet().stream().allMatch(e -> e.getValue() != null
                        && e.getValue().offset() >= endedAt.get(e.getKey()) - 1);
            } catch (Exception e) {
                return false;
            }
        }

        private static boolean caughtUp(long[] lagAndPartitions) {
            return lagAndPartitions[1] > 0 && lagAndPartitions[0] >= 0 && lagAndPartitions[0] <= lagAndPartitions[1];
        }

        /**
         * The partitions the group is furthest behind on, with the last stable offset when it is short of
         * the end (a transaction still open holds read_committed readers, ours included, before it).
         */
        private String mostBehind(String applicationId) {
            try (Admin admin = admin(connection)) {
                Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, applicationId);
                var ends = ends(admin, committed, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED);
                var stable = ends(admin, committed, org.apache.kafka.common.IsolationLevel.READ_COMMITTED);
                return committed.entrySet().stream().filter(e -> e.getValue() != null)
                        .filter(e -> ends.get(e.getKey()).offset() - e.getValue().offset() > 1)
                        .sorted((a, b) -> Long.compare(ends.get(b.getKey()).offset() - b.getValue().offset(),
                                ends.get(a.getKey()).offset() - a.getValue().offset()))
                        .limit(3).map(e -> {
                            long end = ends.get(e.getKey()).offset();
                            long lso = stable.get(e.getKey()).offset();
                            return e.getKey() + " at " + e.getValue().offset() + " of " + end
                                    + (lso < end ? " (stable up to " + lso + ")" : "");
                        }).collect(Collectors.joining(", ", " [", "]")).replace(" []", "");
            } catch (Exception e) {
                return "";
            }
        }

        private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String applicationId)
                throws Exception {
            return admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        }

        /** The end of each partition the group committed on: the log's, or the last stable offset. */
        private static Map<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo> ends(
                Admin admin, Map<TopicPartition, OffsetAndMetadata> committed,
                org.apache.kafka.common.IsolationLevel isolation) throws Exception {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            return admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(isolation)).all()
                    .get();
        }

        private long lag(String applicationId) {
            return lagAndPartitions(applicationId)[0];
        }

        /** The group's total lag and how many partitions it has committed on. */
        private long[] lagAndPartitions(String applicationId) {
            try (Admin admin = admin(connection)) {
                Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, applicationId);
                var ends = ends(admin, committed, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED);
                long lag = 0;
                for (var e : committed.entrySet()) {
                    if (e.getValue() != null) {
                        lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                    }
                }
                return new long[] {lag, committed.size()};
            } catch (Exception e) {
                return new long[] {-1, 0};
            }
        }
    }

    static Admin admin(Dcp.Connection c) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap));
    }
}
