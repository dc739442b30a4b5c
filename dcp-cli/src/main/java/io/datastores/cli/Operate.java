package io.datastores.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.kit.serde.AvroSerializer;
import io.datastores.kit.serde.SchemaRegistries;
import io.datastores.kit.streams.DeadLetters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator's commands on the log: dead letters and replays. */
final class Operate {

    /** Header a redriven record carries: the dead letter it came from. */
    static final String REDRIVEN_FROM = "dcp.redrive.from";
    /** Header a replayed record carries: the record it repeats. */
    static final String REPLAY_OF = "dcp.replay.of";
    static final String REPLAY_AT = "dcp.replay.at";
    /** The consumer group whose committed position on each DLQ marks what was redriven. */
    static final String REDRIVE_GROUP = "dcp-dlq-redrive";

    private Operate() {
    }

    @Command(name = "dlq", description = "Dead letters: list them with their cause, show one, redrive them to "
            + "their topic.", subcommands = {DlqList.class, DlqShow.class, DlqRedrive.class})
    static final class Dlq implements Callable<Integer> {
        @Override
        public Integer call() {
            CommandLine.usage(this, System.out);
            return 0;
        }
    }

    @Command(name = "list", description = "Every dead letter (or those of one DLQ): where it was, its cause, the "
            + "service that dead-lettered it, whether it was redriven; then counts by cause.")
    static final class DlqList implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", arity = "0..1", description = "a DLQ (e.g. dcp.instance-requests.dlq); all if none")
        String dlq;

        @Override
        public Integer call() throws Exception {
            List<String> dlqs = dlq != null ? List.of(check(dlq))
                    : Topics.ALL.stream().map(TopicSpec::deadLetterTopic).toList();
            Map<String, Long> byCause = new TreeMap<>();
            long total = 0;
            try (KafkaConsumer<String, byte[]> consumer = consumer(connection, null)) {
                for (String topic : dlqs) {
                    Map<TopicPartition, OffsetAndMetadata> redriven = committed(connection, topic);
                    for (ConsumerRecord<String, byte[]> r : readAll(consumer, topic, null, null)) {
                        OffsetAndMetadata done = redriven.get(new TopicPartition(r.topic(), r.partition()));
                        boolean wasRedriven = done != null && r.offset() < done.offset();
                        String cause = header(r, DeadLetters.CAUSE);
                        byCause.merge(topic + " " + cause, 1L, Long::sum);
                        total++;
                        System.out.printf("%s-%d@%d key=%s cause=%s service=%s from=%s-%s@%s%s%s error=%s%n",
                                r.topic(), r.partition(), r.offset(), r.key(), cause, header(r, DeadLetters.SERVICE),
                                header(r, DeadLetters.TOPIC), header(r, DeadLetters.PARTITION),
                                header(r, DeadLetters.OFFSET), wasRedriven ? " REDRIVEN" : "",
                                r.headers().lastHeader(REDRIVEN_FROM) != null ? " (failed again after a redrive)" : "",
                                header(r, DeadLetters.ERROR));
                    }
                }
            }
            System.out.println(total + " dead letter(s)");
            byCause.forEach((k, v) -> System.out.println("  " + k + ": " + v));
            return 0;
        }
    }

    @Command(name = "show", description = "One dead letter: its headers, key, the value in base64 and hex.")
    static final class DlqShow implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", description = "the DLQ")
        String dlq;

        @Parameters(index = "1", description = "PARTITION@OFFSET, e.g. 0@12")
        String where;

        @Override
        public Integer call() throws Exception {
            TopicPartition tp;
            long offset;
            try {
                String[] parts = where.split("@");
                tp = new TopicPartition(check(dlq), Integer.parseInt(parts[0]));
                offset = Long.parseLong(parts[1]);
            } catch (RuntimeException e) {
                System.err.println("dcp dlq show: the record is PARTITION@OFFSET, e.g. 0@12");
                return 2;
            }
            try (KafkaConsumer<String, byte[]> consumer = consumer(connection, null)) {
                consumer.assign(List.of(tp));
                consumer.seek(tp, offset);
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(5))) {
                    if (r.offset() != offset) {
                        continue;
                    }
                    System.out.println("record    " + r.topic() + "-" + r.partition() + "@" + r.offset());
                    System.out.println("timestamp " + Instant.ofEpochMilli(r.timestamp()));
                    System.out.println("key       " + r.key());
                    for (Header h : r.headers()) {
                        System.out.println("header    " + h.key() + " = " + new String(h.value(), StandardCharsets.UTF_8));
                    }
                    byte[] v = r.value() == null ? new byte[0] : r.value();
                    System.out.println("value     " + v.length + " bytes, base64 "
                            + java.util.Base64.getEncoder().encodeToString(v));
                    System.out.println("hex       " + java.util.HexFormat.ofDelimiter(" ")
                            .formatHex(v, 0, Math.min(v.length, 64)) + (v.length > 64 ? " ..." : ""));
                    return 0;
                }
            }
            System.err.println("dcp dlq show: no record " + dlq + "-" + where);
            return 2;
        }
    }

    @Command(name = "redrive", description = "Send dead letters back to the topic they came from, each once: "
            + "unchanged (after fixing the cause, say a missing schema), or replaced by the events of a file. A "
            + "record that fails again returns to the DLQ marked as redriven and is not redriven again "
            + "unless --force.")
    static final class DlqRedrive implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", description = "the DLQ")
        String dlq;

        @Option(names = "--record", description = "only this record, PARTITION@OFFSET")
        String record;

        @Option(names = "--fixed", description = "with --record: send the event of this publish file instead")
        Path fixed;

        @Option(names = "--force", description = "redrive records that already failed after a redrive")
        boolean force;

        @Option(names = "--dry-run", description = "say what would be sent; send nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            String topic = check(dlq);
            TopicSpec<?> original = Topics.byName(topic.substring(0, topic.length() - TopicSpec.DLQ_SUFFIX.length()))
                    .orElseThrow();
            if (fixed != null && record == null) {
                System.err.println("dcp dlq redrive: --fixed replaces one record: name it with --record P@O");
                return 2;
            }
            byte[] replacement = null;
            if (fixed != null) {
                List<EventFile.Outgoing> events;
                try {
                    events = EventFile.read(fixed, original);
                } catch (PlainJson.InvalidEvent e) {
                    System.err.println("invalid event " + e.getMessage());
                    return 2;
                }
                if (events.size() != 1) {
                    System.err.println("dcp dlq redrive: --fixed must hold exactly one event, not " + events.size());
                    return 2;
                }
                AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(
                        SchemaRegistries.forUrl(connection.registry));
                serializer.configure(Map.of(), false);
                replacement = serializer.serialize(original.name(), events.get(0).envelope());
            }
            Map<TopicPartition, OffsetAndMetadata> done = committed(connection, topic);
            int sent = 0;
            int skipped = 0;
            try (KafkaConsumer<String, byte[]> consumer = consumer(connection, REDRIVE_GROUP);
                    KafkaProducer<String, byte[]> producer = dryRun ? null : transactional(connection)) {
                List<ConsumerRecord<String, byte[]>> records = readAll(consumer, topic, null, null);
                Map<TopicPartition, OffsetAndMetadata> advance = new LinkedHashMap<>();
                if (producer != null) {
                    producer.beginTransaction();
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    OffsetAndMetadata from = done.get(tp);
                    if (from != null && r.offset() < from.offset()) {
                        continue; // redriven before
                    }
                    String here = r.partition() + "@" + r.offset();
                    if (record != null && !record.equals(here)) {
                        continue;
                    }
                    if (r.headers().lastHeader(REDRIVEN_FROM) != null && !force) {
                        skipped++;
                        System.out.println("skip " + topic + "-" + here + ": it failed again after a redrive (fix it"
                                + " with --fixed, or --force)");
                        advance.put(tp, new OffsetAndMetadata(r.offset() + 1));
                        continue;
                    }
                    byte[] value = replacement != null ? replacement : r.value();
                    ProducerRecord<String, byte[]> out = new ProducerRecord<>(original.name(), null, r.timestamp(),
                            r.key(), value);
                    for (Header h : r.headers()) {
                        if (!h.key().startsWith("dlq.")) {
                            out.headers().add(h);
                        }
                    }
                    out.headers().add(REDRIVEN_FROM, (topic + "-" + here).getBytes(StandardCharsets.UTF_8));
                    System.out.println((dryRun ? "would send " : "send ") + topic + "-" + here + " -> "
                            + original.name() + " key=" + r.key() + (replacement != null ? " (fixed)" : ""));
                    if (producer != null) {
                        producer.send(out);
                    }
                    long position = from != null ? from.offset() : beginning(consumer, tp);
                    if (record == null || position == r.offset()) {
                        advance.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    }
                    sent++;
                }
                if (producer != null) {
                    if (!advance.isEmpty()) {
                        // the DLQ position moves with the sends, atomically: each dead letter is redriven once
                        producer.sendOffsetsToTransaction(advance, new ConsumerGroupMetadata(REDRIVE_GROUP));
                    }
                    producer.commitTransaction();
                }
            }
            System.out.println((dryRun ? "would redrive " : "redrove ") + sent + " record(s)"
                    + (skipped > 0 ? "; skipped " + skipped + " that failed again" : "") + "; watch "
                    + topic + " for any that fail again");
            return 0;
        }
    }

    @Command(name = "replay", description = "Re-publish a range of a topic's records (same key, value and "
            + "timestamp) with provenance headers, for a consumer that needs them again. Every service ignores an "
            + "event it has already decided, so a replay changes nothing it has seen.")
    static final class Replay implements Callable<Integer> {
        @CommandLine.Mixin
        Dcp.Connection connection = new Dcp.Connection();

        @Parameters(index = "0", description = "the topic")
        String topicName;

        @Option(names = "--from", required = true, description = "ISO-8601 instant: records from this time")
        Instant from;

        @Option(names = "--to", description = "ISO-8601 instant: records before this time (default: now)")
        Instant to;

        @Option(names = "--instance", description = "only this key (instance id)")
        String instance;

        @Option(names = "--dry-run", description = "count what would be replayed; send nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            TopicSpec<?> topic = Dcp.topic(topicName);
            Instant until = to == null ? Instant.now() : to;
            if (!from.isBefore(until)) {
                System.err.println("dcp replay: --from must be before --to");
                return 2;
            }
            String at = Instant.now().toString();
            long sent = 0;
            try (KafkaConsumer<String, byte[]> consumer = consumer(connection, null);
                    KafkaProducer<String, byte[]> producer = dryRun ? null : new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrap,
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
                            new ByteArraySerializer())) {
                List<ConsumerRecord<String, byte[]>> records = readAll(consumer, topic.name(), from, until);
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (instance != null && !instance.equals(r.key())) {
                        continue;
                    }
                    if (producer != null) {
                        ProducerRecord<String, byte[]> out = new ProducerRecord<>(r.topic(), r.partition(),
                                r.timestamp(), r.key(), r.value());
                        r.headers().forEach(h -> out.headers().add(h));
                        out.headers().add(REPLAY_OF, (r.topic() + "-" + r.partition() + "@" + r.offset())
                                .getBytes(StandardCharsets.UTF_8));
                        out.headers().add(REPLAY_AT, at.getBytes(StandardCharsets.UTF_8));
                        producer.send(out);
                    }
                    if (++sent % 1_000 == 0) {
                        System.err.println("... " + sent + " record(s)");
                    }
                }
                if (producer != null) {
                    producer.flush();
                }
            }
            System.out.println((dryRun ? "would replay " : "replayed ") + sent + " record(s) of " + topic.name()
                    + " from " + from + " to " + until);
            return 0;
        }
    }

    // --- helpers ---

    static String check(String dlq) {
        if (!dlq.endsWith(TopicSpec.DLQ_SUFFIX) || Topics.byName(dlq.substring(0,
                dlq.length() - TopicSpec.DLQ_SUFFIX.length())).isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(new Dcp()), "'" + dlq + "' is not a dead-letter"
                    + " topic; they are " + Topics.ALL.stream().map(TopicSpec::deadLetterTopic).toList());
        }
        return dlq;
    }

    static KafkaConsumer<String, byte[]> consumer(Dcp.Connection c, String group) {
        Map<String, Object> config = new LinkedHashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<String, byte[]> transactional(Dcp.Connection c) {
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                c.bootstrap, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dcp-dlq-redrive-" + UUID.randomUUID()),
                new StringSerializer(), new ByteArraySerializer());
        p.initTransactions();
        return p;
    }

    /** The redrive group's committed positions on a DLQ. */
    static Map<TopicPartition, OffsetAndMetadata> committed(Dcp.Connection c, String topic) throws Exception {
        try (Admin admin = Rebuild.admin(c)) {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(REDRIVE_GROUP)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
            all.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    out.put(tp, om);
                }
            });
            return out;
        }
    }

    /** Every record of {@code topic} (between two times when given), in partition order. */
    static List<ConsumerRecord<String, byte[]>> readAll(KafkaConsumer<String, byte[]> consumer, String topic,
            Instant from, Instant to) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        if (from != null) {
            Map<TopicPartition, Long> times = new LinkedHashMap<>();
            partitions.forEach(p -> times.put(p, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(times);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp o = start.get(p);
                consumer.seek(p, o == null ? end.get(p) : o.offset());
            }
        } else {
            consumer.seekToBeginning(partitions);
        }
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 120_000;
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))
                        && (to == null || r.timestamp() < to.toEpochMilli())) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static long beginning(KafkaConsumer<String, byte[]> consumer, TopicPartition tp) {
        return consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
    }

    static String header(ConsumerRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
