package io.datastores.dataplane.endpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.kit.net.Cidr;

/**
 * One instance's endpoint: listens on {@code 127.0.0.1:port}, refuses a client outside the
 * allow-list at once (closed before a byte is forwarded, counted, logged), and forwards the others
 * to the target in force. Switching the target closes the sessions to the old one. While paused,
 * new connections are held, not connected upstream, until {@link #resume} (they then go to the
 * target in force) or the pause times out (they are closed, and the endpoint forwards again).
 */
final class Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    private static final int BACKLOG = 256;
    private static final long RETIRE_WAIT_MILLIS = 5_000;
    private static final long ACCEPT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String instanceId;
    private final ScheduledExecutorService timer;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final List<Socket> held = new ArrayList<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sessionNumbers = new AtomicLong();
    private EndpointSpec spec;
    private List<Cidr> allowlist;
    private ServerSocket listener;
    private Thread acceptor;
    private final List<Thread> retiredAcceptors = new ArrayList<>();
    private String problem;
    private boolean paused;
    private long pauseNumber;
    private ScheduledFuture<?> pauseTimeout;
    private boolean closed;

    Endpoint(String instanceId, EndpointSpec spec, ScheduledExecutorService timer) {
        this.instanceId = instanceId;
        this.timer = timer;
        this.spec = spec;
        this.allowlist = spec.allowlist().stream().map(Cidr::parse).toList();
    }

    /** Binds the port and starts accepting; {@link EndpointException} (409) if it cannot. */
    synchronized void listen() {
        bind(spec.port());
    }

    /** Listens as {@link #listen}, or records why it cannot (shown by {@link #view}). */
    synchronized void listenOrRecordProblem() {
        try {
            bind(spec.port());
        } catch (EndpointException e) {
            problem = e.getMessage();
            LOG.error("endpoint {}: {}", instanceId, problem);
        }
    }

    synchronized EndpointSpec spec() {
        return spec;
    }

    /**
     * Applies {@code next}: a new port is bound before the old one is let go; sessions of clients
     * the new allow-list excludes are closed; a new target closes the sessions to the old one.
     */
    void update(EndpointSpec next) {
        try {
            apply(next);
        } finally {
            awaitRetiredAcceptors();
        }
    }

    private synchronized void apply(EndpointSpec next) {
        int port = next.port() == 0 ? spec.port() : next.port();
        if (listener == null || port != listener.getLocalPort()) {
            bind(port);
        }
        List<Cidr> nextAllowlist = next.allowlist().stream().map(Cidr::parse).toList();
        Target previous = spec.target();
        spec = new EndpointSpec(listener.getLocalPort(), next.target(), next.allowlist());
        if (!nextAllowlist.equals(allowlist)) {
            allowlist = nextAllowlist;
            closeOutsideAllowlist();
        }
        if (!Objects.equals(previous, next.target())) {
            int closedSessions = 0;
            for (Session session : List.copyOf(sessions)) {
                if (!session.target().equals(next.target())) {
                    session.close();
                    closedSessions++;
                }
            }
            LOG.info("endpoint {} on port {}: target {} -> {}; closed {} session(s) to the old"
                    + " target", instanceId, spec.port(), previous, next.target(), closedSessions);
        }
    }

    /** Holds new connections until {@link #resume} or until {@code timeout} has passed. */
    synchronized void pause(Duration timeout) {
        if (pauseTimeout != null) {
            pauseTimeout.cancel(false);
        }
        paused = true;
        long number = ++pauseNumber;
        pauseTimeout = timer.schedule(() -> pauseExpired(number), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("endpoint {}: new connections held (at most {} ms)", instanceId,
                timeout.toMillis());
    }

    /** Sends the held connections, and new ones, to the target in force. */
    synchronized void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        pauseTimeout.cancel(false);
        pauseTimeout = null;
        List<Socket> waiting = List.copyOf(held);
        held.clear();
        LOG.info("endpoint {}: resumed; {} held connection(s) go to {}", instanceId, waiting.size(),
                spec.target());
        waiting.forEach(this::forward);
    }

    /** Stops listening (the port is free when this returns), closes sessions and held ones. */
    void close() {
        closeAll();
        awaitRetiredAcceptors();
    }

    private synchronized void closeAll() {
        closed = true;
        if (pauseTimeout != null) {
            pauseTimeout.cancel(false);
        }
        if (listener != null) {
            retire();
        }
        held.forEach(Session::closeQuietly);
        held.clear();
        List.copyOf(sessions).forEach(Session::close);
    }

    synchronized EndpointView view() {
        return new EndpointView(instanceId, spec.port(), spec.target(), spec.allowlist(),
                listener != null, paused, sessions.size(), held.size(), refused.get(),
                listener == null ? problem : null);
    }

    private void bind(int port) {
        if (closed) {
            throw new EndpointException(409, "endpoint " + instanceId + " is closed");
        }
        ServerSocket next;
        try {
            next = new ServerSocket();
            next.setReuseAddress(true);
            next.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        } catch (IOException e) {
            throw new EndpointException(409, "port " + port + " on 127.0.0.1 cannot be bound: "
                    + e.getMessage());
        }
        if (listener != null) {
            retire();
        }
        listener = next;
        problem = null;
        spec = spec.withPort(next.getLocalPort());
        acceptor = Session.daemon(() -> accept(next), "endpoint-" + instanceId + "-accept");
        acceptor.start();
        LOG.info("endpoint {} listening on 127.0.0.1:{} -> {}, allow-list {}", instanceId,
                next.getLocalPort(), spec.target() == null ? "no target" : spec.target(),
                spec.allowlist());
    }

    /** Closes the listener; its accept thread is awaited outside the lock (it may want it). */
    private void retire() {
        closeQuietly(listener);
        listener = null;
        retiredAcceptors.add(acceptor);
        acceptor = null;
    }

    /**
     * Waits for retired accept threads to end: a listener closed while a thread accepts on it lets
     * go of its port only when that thread has left {@code accept}.
     */
    private void awaitRetiredAcceptors() {
        List<Thread> threads;
        synchronized (this) {
            threads = List.copyOf(retiredAcceptors);
            retiredAcceptors.clear();
        }
        for (Thread thread : threads) {
            try {
                thread.join(RETIRE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void accept(ServerSocket from) {
        while (!from.isClosed()) {
            try {
                admit(from.accept());
            } catch (IOException e) {
                if (!from.isClosed()) {
                    LOG.warn("endpoint {}: accept failed: {}", instanceId, e.getMessage());
                    // Out of file descriptors, say: do not spin while it lasts.
                    LockSupport.parkNanos(ACCEPT_BACKOFF_NANOS);
                }
            }
        }
    }

    private synchronized void admit(Socket client) {
        InetAddress address = client.getInetAddress();
        if (closed) {
            Session.closeQuietly(client);
            return;
        }
        if (!Cidr.anyContains(allowlist, address)) {
            refused.incrementAndGet();
            LOG.warn("endpoint {}: refused {} (outside the allow-list {})", instanceId,
                    address.getHostAddress(), spec.allowlist());
            Session.closeQuietly(client);
            return;
        }
        if (paused) {
            held.add(client);
            return;
        }
        forward(client);
    }

    private void forward(Socket client) {
        Target target = spec.target();
        if (target == null) {
            LOG.info("endpoint {}: no target yet; closed the connection from {}", instanceId,
                    client.getInetAddress().getHostAddress());
            Session.closeQuietly(client);
            return;
        }
        try {
            client.setTcpNoDelay(true);
            client.setKeepAlive(true);
        } catch (IOException e) {
            Session.closeQuietly(client);
            return;
        }
        String name = "endpoint-" + instanceId + "-" + sessionNumbers.incrementAndGet();
        Session session = new Session(client, target, name, sessions::remove);
        sessions.add(session);
        session.start();
    }

    private synchronized void pauseExpired(long number) {
        if (!paused || pauseNumber != number) {
            return;
        }
        paused = false;
        pauseTimeout = null;
        LOG.warn("endpoint {}: the pause timed out; closed {} held connection(s), forwarding again",
                instanceId, held.size());
        held.forEach(Session::closeQuietly);
        held.clear();
    }

    private void closeOutsideAllowlist() {
        held.removeIf(socket -> {
            boolean outside = !Cidr.anyContains(allowlist, socket.getInetAddress());
            if (outside) {
                Session.closeQuietly(socket);
            }
            return outside;
        });
        sessions.stream().filter(s -> !Cidr.anyContains(allowlist, s.clientAddress()))
                .forEach(s -> {
                    LOG.warn("endpoint {}: closed the session of {}, now outside the allow-list",
                            instanceId, s.clientAddress().getHostAddress());
                    s.close();
                });
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing a listener failed: {}", e.getMessage());
        }
    }
}
