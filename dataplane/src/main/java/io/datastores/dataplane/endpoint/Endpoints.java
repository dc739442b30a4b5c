package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every endpoint the endpoint server runs, by instance id: creates, updates, pauses, resumes and
 * deletes them, refusing bad input with an {@link EndpointException}, and keeps them on disk after
 * each change ({@link EndpointStore}). Starting, it listens again on the ports kept.
 */
final class Endpoints implements AutoCloseable {

    /** How long a pause holds new connections when the request names no timeout. */
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(10);
    static final Duration LONGEST_PAUSE = Duration.ofMinutes(10);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    private final EndpointStore store;
    private final Map<String, Endpoint> endpoints = new TreeMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Session.daemon(r, "endpoint-timer"));

    /** The endpoints kept in {@code store}, listening again (or saying why they cannot). */
    Endpoints(EndpointStore store) throws IOException {
        this.store = store;
        for (Map.Entry<String, EndpointSpec> kept : store.load().entrySet()) {
            Endpoint endpoint = new Endpoint(kept.getKey(), kept.getValue(), timer);
            endpoint.listenOrRecordProblem();
            endpoints.put(kept.getKey(), endpoint);
        }
    }

    /** What {@link #put} did: the endpoint now, and whether it is new. */
    record Put(EndpointView view, boolean created) {
    }

    /** Creates the endpoint of {@code instanceId} or makes it what {@code spec} says. */
    synchronized Put put(String instanceId, EndpointSpec spec) {
        requireId(instanceId);
        if (spec.port() != 0) {
            endpoints.forEach((id, other) -> {
                if (!id.equals(instanceId) && other.spec().port() == spec.port()) {
                    throw new EndpointException(409, "port " + spec.port()
                            + " is the endpoint of " + id);
                }
            });
        }
        Endpoint endpoint = endpoints.get(instanceId);
        boolean created = endpoint == null;
        if (created) {
            endpoint = new Endpoint(instanceId, spec, timer);
            endpoint.listen();
            endpoints.put(instanceId, endpoint);
        } else {
            endpoint.update(spec);
        }
        save();
        return new Put(endpoint.view(), created);
    }

    /** Holds new connections to {@code instanceId} for at most {@code timeout}. */
    synchronized EndpointView pause(String instanceId, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(LONGEST_PAUSE) > 0) {
            throw new EndpointException(400, "timeoutMillis must be from 1 to "
                    + LONGEST_PAUSE.toMillis());
        }
        Endpoint endpoint = existing(instanceId);
        endpoint.pause(timeout);
        return endpoint.view();
    }

    synchronized EndpointView resume(String instanceId) {
        Endpoint endpoint = existing(instanceId);
        endpoint.resume();
        return endpoint.view();
    }

    /** Stops the endpoint of {@code instanceId} and forgets it; false if there was none. */
    synchronized boolean delete(String instanceId) {
        requireId(instanceId);
        Endpoint endpoint = endpoints.remove(instanceId);
        if (endpoint == null) {
            return false;
        }
        endpoint.close();
        save();
        LOG.info("endpoint {} deleted", instanceId);
        return true;
    }

    synchronized Optional<EndpointView> get(String instanceId) {
        requireId(instanceId);
        return Optional.ofNullable(endpoints.get(instanceId)).map(Endpoint::view);
    }

    synchronized List<EndpointView> list() {
        return endpoints.values().stream().map(Endpoint::view).toList();
    }

    synchronized int size() {
        return endpoints.size();
    }

    /** Stops every endpoint (they stay on disk for the next start). */
    @Override
    public synchronized void close() {
        endpoints.values().forEach(Endpoint::close);
        endpoints.clear();
        timer.shutdownNow();
    }

    private Endpoint existing(String instanceId) {
        requireId(instanceId);
        Endpoint endpoint = endpoints.get(instanceId);
        if (endpoint == null) {
            throw new EndpointException(404, "no endpoint for instance " + instanceId);
        }
        return endpoint;
    }

    private static void requireId(String instanceId) {
        if (instanceId == null || !ID.matcher(instanceId).matches()) {
            throw new EndpointException(400, "an instance id is 1-128 letters, digits, '.', '_' or"
                    + " '-', starting with a letter or digit");
        }
    }

    private void save() {
        Map<String, EndpointSpec> specs = new LinkedHashMap<>();
        endpoints.forEach((id, endpoint) -> specs.put(id, endpoint.spec()));
        try {
            store.save(specs);
        } catch (IOException e) {
            LOG.error("endpoints could not be saved to {}: {}", store.file(), e.getMessage());
            throw new EndpointException(500, "the change applies but could not be saved to "
                    + store.file() + ": " + e.getMessage());
        }
    }
}
