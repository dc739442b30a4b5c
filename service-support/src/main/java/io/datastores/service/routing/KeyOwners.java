package io.datastores.service.routing;

import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import io.datastores.service.routing.ReadRoute.Host;
import io.datastores.service.routing.ReadRoute.Owner;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import jakarta.inject.Singleton;

/**
 * Who holds a key, as Kafka Streams' metadata says (each instance advertises its HTTP address as
 * {@code application.server}). Unless configured ({@code kafka.streams.default.application.server}),
 * an instance advertises {@code dcp.advertised-host} (127.0.0.1 by default) and its HTTP port, when
 * that port is fixed.
 */
@Singleton
public class KeyOwners implements BeanCreatedEventListener<ConfiguredStreamBuilder> {

    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final BeanProvider<KafkaStreams> streams;
    private final int httpPort;
    private final String advertisedHost;
    private volatile Optional<Host> self = Optional.empty();

    public KeyOwners(BeanProvider<KafkaStreams> streams, @Value("${micronaut.server.port:-1}") int httpPort,
            @Value("${dcp.advertised-host:127.0.0.1}") String advertisedHost) {
        this.streams = streams;
        this.httpPort = httpPort;
        this.advertisedHost = advertisedHost;
    }

    @Override
    public ConfiguredStreamBuilder onCreated(BeanCreatedEvent<ConfiguredStreamBuilder> event) {
        Properties config = event.getBean().getConfiguration();
        if (!config.containsKey(StreamsConfig.APPLICATION_SERVER_CONFIG) && httpPort > 0) {
            config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost + ":" + httpPort);
        }
        Object server = config.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        if (server != null && !server.toString().isBlank()) {
            HostInfo info = HostInfo.buildFromEndpoint(server.toString());
            self = Optional.of(new Host(info.host(), info.port()));
        }
        return event.getBean();
    }

    /** Whether some of this instance's Kafka Streams clients are not running (rebalancing, starting). */
    public boolean rebalancing() {
        for (KafkaStreams s : streams) {
            if (s.state() != KafkaStreams.State.RUNNING) {
                return true;
            }
        }
        return false;
    }

    /** This instance, when it advertises itself. */
    public Optional<Host> self() {
        return self;
    }

    /** The holders of {@code key}'s partition of {@code store}; empty while unknown. */
    public Optional<Owner> owner(String store, String key) {
        for (KafkaStreams s : streams) {
            KeyQueryMetadata m;
            try {
                m = s.queryMetadataForKey(store, key, KEYS);
            } catch (RuntimeException notRunningOrUnknownStore) {
                continue;
            }
            if (m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                continue;
            }
            List<Host> standbys = m.standbyHosts().stream().map(KeyOwners::host).flatMap(Optional::stream).toList();
            return Optional.of(new Owner(host(m.activeHost()), standbys, m.partition()));
        }
        return Optional.empty();
    }

    /**
     * Whether this instance holds partitions of {@code store} (active or standby), as the running
     * client's metadata says; true for an instance that does not advertise itself (it is alone).
     */
    public boolean holdsPartitionsOf(String store) {
        if (self.isEmpty()) {
            return true;
        }
        Host me = self.get();
        for (KafkaStreams s : streams) {
            try {
                for (StreamsMetadata m : s.streamsMetadataForStore(store)) {
                    if (m.hostInfo().host().equals(me.host()) && m.hostInfo().port() == me.port()) {
                        return !m.topicPartitions().isEmpty() || !m.standbyTopicPartitions().isEmpty();
                    }
                }
            } catch (RuntimeException notRunning) {
                return true;
            }
        }
        return false;
    }

    /**
     * The other instances holding active partitions of {@code store}, as the running clients'
     * metadata says; empty for an instance that does not advertise itself (it is alone).
     */
    public List<Host> otherActiveHolders(String store) {
        if (self.isEmpty()) {
            return List.of();
        }
        Host me = self.get();
        java.util.Set<Host> others = new java.util.LinkedHashSet<>();
        for (KafkaStreams s : streams) {
            try {
                for (StreamsMetadata m : s.streamsMetadataForStore(store)) {
                    Optional<Host> h = host(m.hostInfo());
                    if (h.isPresent() && !h.get().equals(me) && !m.topicPartitions().isEmpty()) {
                        others.add(h.get());
                    }
                }
            } catch (RuntimeException notRunning) {
                // not running: no metadata to go by; the caller sees rebalancing()
            }
        }
        return List.copyOf(others);
    }

    private static Optional<Host> host(HostInfo info) {
        return info == null || info.port() < 0 || HostInfo.unavailable().equals(info) ? Optional.empty()
                : Optional.of(new Host(info.host(), info.port()));
    }
}
