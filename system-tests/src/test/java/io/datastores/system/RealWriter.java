package io.datastores.system;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client of a real instance, as an application would be: it writes numbered rows through the
 * instance's endpoint (TLS verified against the stack's CA), one commit at a time, reconnecting after
 * any failure, and remembers which commits the server acknowledged, when, and at which WAL position.
 */
final class RealWriter implements AutoCloseable {

    /** A commit the server acknowledged. */
    record Ack(long id, long atNanos, long lsn) {
    }

    private final int port;
    private final String password;
    private final Path ca;
    private final List<Ack> acks = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** One session at a time; after a failure the next one starts 20 ms later. */
    private final ScheduledExecutorService sessions = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "real-writer");
        t.setDaemon(true);
        return t;
    });
    private long next = 1;
    private volatile String lastError = "";

    RealWriter(int endpointPort, String adminPassword, Path caFile) throws SQLException {
        this.port = endpointPort;
        this.password = adminPassword;
        this.ca = caFile;
        try (Connection c = connect(); var s = c.createStatement()) {
            s.execute("create table if not exists writes (id bigint primary key, at timestamptz default now())");
        }
        sessions.scheduleWithFixedDelay(this::session, 0, 20, TimeUnit.MILLISECONDS);
    }

    Connection connect() throws SQLException {
        return connect(port, password, ca);
    }

    static Connection connect(int port, String password, Path ca) throws SQLException {
        return io.datastores.dataplane.engine.InstanceClient.connect(port, "admin", password, ca);
    }

    /** Connects and commits one row at a time until a failure or {@link #close}. */
    private void session() {
        if (!running.get()) {
            return;
        }
        try (Connection c = connect();
                PreparedStatement insert = c.prepareStatement(
                        "insert into writes (id) values (?) returning pg_current_wal_lsn()::text")) {
            while (running.get()) {
                insert.setLong(1, next);
                try (ResultSet r = insert.executeQuery()) {
                    r.next();
                    long lsn = io.datastores.dataplane.engine.Lsn.parse(r.getString(1));
                    synchronized (acks) {
                        acks.add(new Ack(next, System.nanoTime(), lsn));
                    }
                }
                next++;
            }
        } catch (SQLException e) {
            lastError = e.getMessage();
            next++; // the outcome of the one in flight is unknown: never reuse its id
        }
    }

    List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    int acked() {
        synchronized (acks) {
            return acks.size();
        }
    }

    String lastError() {
        return lastError;
    }

    /** The longest time without an acknowledged commit, in milliseconds. */
    long longestGapMillis() {
        List<Ack> all = acks();
        long gap = 0;
        for (int i = 1; i < all.size(); i++) {
            gap = Math.max(gap, all.get(i).atNanos() - all.get(i - 1).atNanos());
        }
        return gap / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        sessions.shutdown();
        sessions.awaitTermination(10, TimeUnit.SECONDS);
    }
}
