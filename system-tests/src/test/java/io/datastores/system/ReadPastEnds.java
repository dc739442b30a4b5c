package io.datastores.system;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * "Every service has read what was there": each consumer group has committed, on every partition it
 * reads, a position at least where that partition ended when the wait began. Not the moving end: the
 * simulator's heartbeats and failover-service's own marks of heard time keep arriving, so a moment with
 * nothing unread may never come. Take the {@link #ends} once, then poll {@link #unreadBefore} until empty.
 */
final class ReadPastEnds {

    private ReadPastEnds() {
    }

    /** Per consumer group, the end offset of each partition it has a committed position on. */
    static Map<String, Map<TopicPartition, Long>> ends(String bootstrap, Iterable<String> groups) throws Exception {
        Map<String, Map<TopicPartition, Long>> ends = new TreeMap<>();
        try (Admin admin = admin(bootstrap)) {
            for (String group : groups) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed(admin, group).keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, Long> offsets = new HashMap<>();
                admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                        .forEach((tp, info) -> offsets.put(tp, info.offset()));
                ends.put(group, offsets);
            }
        }
        return ends;
    }

    /**
     * Per group and partition, how many records before {@code ends} its committed position is short.
     * The last offset before an end may be a transaction's commit marker, which no position need pass.
     */
    static Map<String, Long> unreadBefore(String bootstrap, Map<String, Map<TopicPartition, Long>> ends)
            throws Exception {
        Map<String, Long> unread = new TreeMap<>();
        try (Admin admin = admin(bootstrap)) {
            for (var group : ends.entrySet()) {
                Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group.getKey());
                group.getValue().forEach((tp, end) -> {
                    OffsetAndMetadata offset = committed.get(tp);
                    long behind = end - (offset == null ? 0 : offset.offset());
                    if (behind > 1) {
                        unread.put(group.getKey() + " " + tp, behind);
                    }
                });
            }
        }
        return unread;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
