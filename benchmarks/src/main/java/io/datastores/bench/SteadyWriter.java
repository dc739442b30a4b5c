package io.datastores.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client writing as an application would: numbered rows, one commit at a time, reconnecting after
 * any failure (the outcome of the commit in flight then unknown, its id never reused); it remembers
 * which commits were acknowledged and when.
 */
final class SteadyWriter implements AutoCloseable {

    /** Opens a connection to the server written to. */
    interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final List<Long> ids = new ArrayList<>();
    private final List<Long> ackNanos = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    SteadyWriter(Connector connector) throws SQLException {
        this.connector = connector;
        try (Connection c = connector.open(); Statement s = c.createStatement()) {
            s.execute("create table if not exists writes (id bigint primary key, at timestamptz default now())");
        }
        thread = new Thread(this::write, "steady-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void write() {
        long next = 1;
        while (running.get()) {
            try (Connection c = connector.open();
                    PreparedStatement insert = c.prepareStatement("insert into writes (id) values (?)")) {
                while (running.get()) {
                    insert.setLong(1, next);
                    insert.executeUpdate();
                    synchronized (ids) {
                        ids.add(next);
                        ackNanos.add(System.nanoTime());
                    }
                    next++;
                }
            } catch (SQLException e) {
                next++;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    int acked() {
        synchronized (ids) {
            return ids.size();
        }
    }

    List<Long> ackNanos() {
        synchronized (ids) {
            return List.copyOf(ackNanos);
        }
    }

    List<Long> ackedIds() {
        synchronized (ids) {
            return List.copyOf(ids);
        }
    }

    /** Waits (at most {@code timeoutMillis}) until more than {@code count} commits were acknowledged. */
    void awaitAcked(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (acked() <= count) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the writer had " + acked() + " commits acknowledged, not "
                        + count + ", after " + timeoutMillis + " ms");
            }
            Thread.sleep(20);
        }
    }

    /** The rows the server has now, read through a new connection. */
    Set<Long> rowsPresent() throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection c = connector.open(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select id from writes")) {
            while (r.next()) {
                present.add(r.getLong(1));
            }
        }
        return present;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
