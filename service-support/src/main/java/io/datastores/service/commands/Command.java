package io.datastores.service.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;

import io.datastores.contract.TopicSpec;
import io.micronaut.core.annotation.Nullable;

/**
 * A command for the {@link CommandGateway}: an event type of a command topic, its key and request
 * id, the topic its decision is published on (none when it is not), and the records that must be
 * appended with it in the same transaction.
 *
 * @param requestId   the request, which becomes the event id and the correlation id
 * @param topic       the command topic
 * @param key         the record key (an instance id, a region)
 * @param payload     one of the topic's event types (without the envelope: the gateway stamps it)
 * @param decidedOn   the topic whose events answer it, or null when its decision is not published
 * @param decision    which of those events (by payload) is a decision: a step on the way (a request
 *                    to another party, say) is not
 * @param attachments records appended with it, atomically
 */
public record Command(String requestId, TopicSpec<?> topic, String key, SpecificRecord payload,
        @Nullable TopicSpec<?> decidedOn, Predicate<Object> decision, List<Attachment> attachments) {

    public Command {
        attachments = List.copyOf(attachments);
        decision = decision == null ? any -> true : decision;
    }

    /** {@code payload} for {@code topic} under {@code key}, decided nowhere visible (yet). */
    public static Command to(TopicSpec<?> topic, String key, String requestId, SpecificRecord payload) {
        return new Command(requestId, topic, key, payload, null, null, List.of());
    }

    /** The same command, answered by the first event of {@code decisions} for its request. */
    public Command decidedOn(TopicSpec<?> decisions) {
        return decidedOn(decisions, any -> true);
    }

    /**
     * The same command, answered by the first event of {@code decisions} for its request whose
     * payload {@code decision} accepts: the events before it are steps on the way, not the answer.
     */
    public Command decidedOn(TopicSpec<?> decisions, Predicate<Object> decision) {
        return new Command(requestId, topic, key, payload, decisions, decision, attachments);
    }

    /** The same command with one more record ({@code payload} null: a tombstone) appended with it. */
    public Command with(TopicSpec<?> other, String recordKey, @Nullable SpecificRecord attached) {
        List<Attachment> more = new ArrayList<>(attachments);
        more.add(new Attachment(other, recordKey, attached));
        return new Command(requestId, topic, key, payload, decidedOn, decision, more);
    }

    /** A record that goes with the command: an event type of {@code topic}, or null for a tombstone. */
    public record Attachment(TopicSpec<?> topic, String key, @Nullable SpecificRecord payload) {
    }
}
