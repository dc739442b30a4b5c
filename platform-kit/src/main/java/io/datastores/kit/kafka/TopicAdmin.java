package io.datastores.kit.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.datastores.contract.TopicSpec;

/**
 * Creates the contract's topics (and their dead-letter topics) at start-up, idempotently: a
 * topic that exists is left as it is.
 */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /** Creates what is missing; returns the names it created. */
    public static List<String> ensure(String bootstrapServers, Collection<? extends TopicSpec<?>> topics,
            boolean withDeadLetters) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            return ensure(admin, topics, withDeadLetters);
        }
    }

    /**
     * Waits until every partition of {@code topics} has a leader: a producer writing to a topic just
     * created otherwise meets NOT_LEADER_OR_FOLLOWER, and its retried first batch can be refused as out
     * of sequence. A topic the broker answering does not know yet (its metadata still on the way, as
     * Kafka 4 answers just after a creation) is not led yet either.
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!topics.isEmpty()) {
            boolean led;
            try {
                led = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                        .allMatch(d -> d.partitions().stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                led = false;
            }
            if (led) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new TimeoutException("topics without a leader after 30 s: " + topics);
            }
            Thread.sleep(50);
        }
    }

    public static List<String> ensure(Admin admin, Collection<? extends TopicSpec<?>> topics, boolean withDeadLetters) {
        List<NewTopic> wanted = new ArrayList<>();
        for (TopicSpec<?> t : topics) {
            wanted.add(new NewTopic(t.name(), Optional.of(t.partitions()), Optional.empty())
                    .configs(t.config()));
            if (withDeadLetters) {
                wanted.add(new NewTopic(t.deadLetterTopic(), Optional.of(1), Optional.empty()));
            }
        }
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            List<String> created = new ArrayList<>();
            var result = admin.createTopics(missing);
            for (NewTopic t : missing) {
                try {
                    result.values().get(t.name()).get(30, TimeUnit.SECONDS);
                    created.add(t.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, created);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics: " + e, e);
        }
    }
}
