package io.datastores.dataplane.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.dataplane.domain.Command;
import io.datastores.events.EventMetadata;

/**
 * Commands run one at a time per instance, in the order they were read, and instances in parallel (one
 * instance's base backup does not hold up another's failover). Deleting an instance drops the commands
 * of it still waiting: provisioning not started yet is cancelled, and what runs is undone by the deletion.
 */
public final class InstanceWorkers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceWorkers.class);

    /** Runs one command to its end (planned, executed, reported). */
    public interface Handler {
        void handle(Command command, EventMetadata cause);
    }

    private record Task(Command command, EventMetadata cause, CompletableFuture<Void> done) {
    }

    private final Handler handler;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dataplane-instance");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Deque<Task>> queues = new HashMap<>();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    public InstanceWorkers(Handler handler) {
        this.handler = handler;
    }

    /** Queues a command behind its instance's others; the future completes when it has run. */
    public synchronized CompletableFuture<Void> submit(Command command, EventMetadata cause) {
        Deque<Task> queue = queues.computeIfAbsent(command.instanceId(), id -> new ArrayDeque<>());
        if (command instanceof Command.Delete) {
            queue.removeIf(t -> {
                if (t.command() instanceof Command.Provision) {
                    LOG.info("{}: {} cancelled, the instance is deleted", t.command().instanceId(), t.command());
                    t.done().complete(null);
                    return true;
                }
                return false;
            });
        }
        Task task = new Task(command, cause, new CompletableFuture<>());
        queue.addLast(task);
        if (!busy.contains(command.instanceId())) {
            start(command.instanceId());
        }
        return task.done();
    }

    /** Whether a command of the instance is running now (its servers may be restarting on purpose). */
    public boolean busy(String instanceId) {
        return busy.contains(instanceId);
    }

    private void start(String instanceId) {
        busy.add(instanceId);
        pool.execute(() -> drain(instanceId));
    }

    private void drain(String instanceId) {
        while (true) {
            Task task;
            synchronized (this) {
                Deque<Task> queue = queues.get(instanceId);
                task = queue == null ? null : queue.pollFirst();
                if (task == null) {
                    busy.remove(instanceId);
                    queues.remove(instanceId);
                    return;
                }
            }
            try {
                handler.handle(task.command(), task.cause());
            } catch (RuntimeException e) {
                LOG.error("{}: {} failed unexpectedly", instanceId, task.command(), e);
            } finally {
                task.done().complete(null);
            }
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
