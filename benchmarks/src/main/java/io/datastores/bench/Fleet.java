package io.datastores.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.datastores.events.Cloud;
import io.datastores.events.Engine;
import io.datastores.events.EventMetadata;
import io.datastores.events.InstanceAccepted;
import io.datastores.events.InstanceEventEnvelope;
import io.datastores.events.InstanceReady;
import io.datastores.events.NodeInfo;
import io.datastores.events.NodeRole;

/** The simulated instances a benchmark drives: node roles, positions and epochs as failover expects them. */
final class Fleet {

    private Fleet() {
    }

    record Beat(String nodeId, NodeRole role, long position, long epoch) {
    }

    /** One instance: its nodes (the first is the primary), and whether the benchmark failed it. */
    static final class Instance {
        private final String id;
        private final List<String> nodes;
        private final List<NodeRole> roles = new ArrayList<>();
        private long epoch = 1;
        private long position = 1_000;
        private int next;
        volatile boolean failed;

        Instance(String id, List<String> nodes) {
            this.id = id;
            this.nodes = new ArrayList<>(nodes);
            for (int i = 0; i < nodes.size(); i++) {
                roles.add(i == 0 ? NodeRole.PRIMARY : NodeRole.STANDBY);
            }
        }

        String id() {
            return id;
        }

        List<String> nodes() {
            return nodes;
        }

        /** The next node's heartbeat, round robin; a failed primary stays silent. */
        synchronized Beat nextBeat() {
            int i = next++ % nodes.size();
            position += 100;
            NodeRole role = roles.get(i);
            if (role == null) {
                i = (i + 1) % nodes.size();
                role = roles.get(i);
            }
            long lag = role == NodeRole.PRIMARY ? 0 : 10L * (i + 1);
            return new Beat(nodes.get(i), role == null ? NodeRole.STANDBY : role, position - lag, epoch);
        }

        synchronized void promote(String failed, String promoted, long newEpoch) {
            int f = nodes.indexOf(failed);
            roles.set(f, null);
            roles.set(nodes.indexOf(promoted), NodeRole.PRIMARY);
            epoch = newEpoch;
        }
    }

    static Instance premium(String id) {
        return new Instance(id, List.of(id + "-n1", id + "-n2", id + "-n3"));
    }

    /** What provisioning would have published for a ready Premium instance: accepted, then ready. */
    static List<InstanceEventEnvelope> readyEvents(Instance instance) {
        String host = instance.id() + ".db.bench";
        InstanceEventEnvelope accepted = new InstanceEventEnvelope(meta(), InstanceAccepted.newBuilder()
                .setRequestId("r-" + instance.id()).setOrganizationId("bench").setInstanceId(instance.id())
                .setDisplayName(instance.id()).setEngine(Engine.POSTGRESQL).setCloud(Cloud.AWS).setRegion("bench-1")
                .setPlan("PREMIUM-8").setCatalogVersion("bench").setNodeCount(3).setServiceHost(host).build());
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(new NodeInfo(instance.nodes().get(i), i == 0 ? NodeRole.PRIMARY : NodeRole.STANDBY,
                    "z" + i, instance.nodes().get(i) + ".h", "10.1." + (i + 1) + "." + (instance.id().hashCode() & 0xff)));
        }
        InstanceEventEnvelope ready = new InstanceEventEnvelope(meta(), InstanceReady.newBuilder()
                .setOrganizationId("bench").setInstanceId(instance.id()).setServiceHost(host).setPort(5432)
                .setTlsRequired(true).setConnectionLimit(200).setAllowlist(List.of("0.0.0.0/0")).setNodes(nodes)
                .setCatalogVersion("bench").build());
        return List.of(accepted, ready);
    }

    static EventMetadata meta() {
        String id = UUID.randomUUID().toString();
        return new EventMetadata(id, id, null, Instant.now(), "benchmark");
    }

    /** Sends {@link #readyEvents} for {@code instance} on {@code dcp.instance-events}. */
    static void publishReady(org.apache.kafka.clients.producer.KafkaProducer<String, Object> producer,
            Instance instance) {
        readyEvents(instance).forEach(e -> producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                io.datastores.contract.Topics.INSTANCE_EVENTS.name(), instance.id(), e)));
    }

    /** A producer of any contract record, each encoded with its topic's serde; {@code settings} on top. */
    static org.apache.kafka.clients.producer.KafkaProducer<String, Object> producer(String bootstrap,
            io.datastores.kit.serde.ContractSerdes serdes, java.util.Map<String, Object> settings) {
        java.util.Map<String, Object> config = new java.util.HashMap<>(settings);
        config.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // On a topic just created, the broker may answer NOT_LEADER to the first batch for a moment after
        // the topic has a leader; an idempotent producer then retries it out of sequence for the whole
        // delivery timeout (2 min). Without idempotence a retried batch goes through (one in flight keeps
        // the order; a rare duplicate changes no figure: every consumer of ours deduplicates by event id).
        config.put(org.apache.kafka.clients.producer.ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
        return new org.apache.kafka.clients.producer.KafkaProducer<>(config,
                new org.apache.kafka.common.serialization.StringSerializer(),
                (topic, value) -> serdes.value(io.datastores.contract.Topics.byName(topic).orElseThrow())
                        .serializer().serialize(topic, cast(value)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
