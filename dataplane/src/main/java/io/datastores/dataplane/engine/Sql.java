package io.datastores.dataplane.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * SQL on one server, as the data plane's agent, over TLS verified against the stack's CA. Failures
 * are {@link EngineException}s with the server's own message.
 */
public final class Sql implements AutoCloseable {

    private final Connection connection;

    private Sql(Connection connection) {
        this.connection = connection;
    }

    /** Connects to the server at {@code port} as {@code user}. */
    public static Sql connect(int port, String user, String password, Path caFile, Duration timeout) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "verify-ca");
        props.setProperty("sslrootcert", caFile.toString());
        props.setProperty("connectTimeout", String.valueOf(Math.max(1, timeout.toSeconds())));
        props.setProperty("socketTimeout", String.valueOf(Math.max(5, timeout.toSeconds() * 2)));
        props.setProperty("ApplicationName", "dcp-dataplane");
        props.setProperty("assumeMinServerVersion", "15");
        try {
            return new Sql(DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props));
        } catch (SQLException e) {
            throw new EngineException("cannot connect to the server at port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The server's own account of itself: in recovery (a standby) or not, and how far its WAL reaches. */
    public record Position(boolean standby, long lsn) {
    }

    public Position position() {
        String q = "select pg_is_in_recovery(), case when pg_is_in_recovery() then greatest("
                + "coalesce(pg_last_wal_receive_lsn(), '0/0'), coalesce(pg_last_wal_replay_lsn(), '0/0'))"
                + " else pg_current_wal_lsn() end::text";
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(q)) {
            r.next();
            return new Position(r.getBoolean(1), Lsn.parse(r.getString(2)));
        } catch (SQLException e) {
            throw failure("read its position", e);
        }
    }

    /** On a standby: how far it has replayed. */
    public long replayed() {
        return lsn("select coalesce(pg_last_wal_replay_lsn(), '0/0')::text");
    }

    /** On a standby: how far it has received (and flushed). */
    public long received() {
        return lsn("select greatest(coalesce(pg_last_wal_receive_lsn(), '0/0'), coalesce(pg_last_wal_replay_lsn(),"
                + " '0/0'))::text");
    }

    /** Promotes a standby and waits (up to a minute) until it is a primary. */
    public void promote() {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("select pg_promote(true, 60)")) {
            r.next();
            if (!r.getBoolean(1)) {
                throw new EngineException("pg_promote did not finish within 60 s");
            }
        } catch (SQLException e) {
            throw failure("promote", e);
        }
    }

    public void execute(String statement) {
        try (Statement s = connection.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw failure(statement.split(" ")[0].toLowerCase(), e);
        }
    }

    /** Runs {@code statement} with one text parameter. */
    public void execute(String statement, String parameter) {
        try (PreparedStatement s = connection.prepareStatement(statement)) {
            s.setString(1, parameter);
            s.execute();
        } catch (SQLException e) {
            throw failure(statement.split(" ")[0].toLowerCase(), e);
        }
    }

    /** Sets a role's password, hashed (SCRAM) by the driver: the plaintext never reaches the server. */
    public void setPassword(String role, String password) {
        try {
            connection.unwrap(org.postgresql.PGConnection.class).alterUserPassword(role, password.toCharArray(),
                    "scram-sha-256");
        } catch (SQLException e) {
            throw failure("set the password of " + role, e);
        }
    }

    /** Creates the replication slot if it is missing. */
    public void ensureSlot(String slot) {
        execute("select pg_create_physical_replication_slot(?) where not exists (select 1 from"
                + " pg_replication_slots where slot_name = '" + slot.replace("'", "") + "')", slot);
    }

    public void dropSlot(String slot) {
        execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ?", slot);
    }

    public Optional<String> one(String query) {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(query)) {
            return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw failure(query, e);
        }
    }

    private long lsn(String query) {
        return one(query).map(Lsn::parse).orElse(0L);
    }

    private static EngineException failure(String what, SQLException e) {
        return new EngineException("the server could not " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a broken connection: nothing to tell
        }
    }
}
