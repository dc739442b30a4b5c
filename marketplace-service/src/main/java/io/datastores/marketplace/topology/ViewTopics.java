package io.datastores.marketplace.topology;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The read models as topics dashboards consume directly: compacted, keyed by instance id, each value
 * the latest JSON document of the instance, exactly what the HTTP API serves. They are views, not
 * events: JSON rather than Avro, and rebuilt from the events at will.
 */
public final class ViewTopics {

    public static final String FLEET = "dcp.view.fleet";
    public static final String MARKETPLACE = "dcp.view.marketplace";

    private ViewTopics() {
    }

    /** Creates the view topics that are missing. */
    public static void ensure(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = List.of(FLEET, MARKETPLACE).stream().filter(t -> !existing.contains(t))
                    // the broker's replication factor (3 on a cluster), as every other topic of ours
                    .map(t -> new NewTopic(t, Optional.of(6), Optional.empty()).configs(Map.of("cleanup.policy", "compact")))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                return;
            }
            throw new IllegalStateException("cannot create the view topics: " + e, e);
        }
    }
}
