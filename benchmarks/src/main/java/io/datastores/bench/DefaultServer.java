package io.datastores.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

import io.datastores.dataplane.engine.Postgres;
import io.datastores.dataplane.engine.Shell;
import io.datastores.stack.KafkaBroker;

/**
 * The memory baseline: a PostgreSQL 15 server as a distribution installs it (initdb's settings, which
 * Debian's packages keep: {@code shared_buffers} 128MB, {@code max_connections} 100), made and
 * started here as {@code postgres}, listening on 127.0.0.1 alone (TCP, password, no TLS).
 */
final class DefaultServer implements AutoCloseable {

    private final Postgres postgres;
    private final Path data;
    private final int port;
    private final String password = "bench-" + UUID.randomUUID();

    DefaultServer(Path dir) {
        Shell shell = Shell.forThisProcess("postgres");
        this.postgres = new Postgres(RealStack.PG_BIN, shell);
        this.data = dir.resolve("data");
        this.port = KafkaBroker.freePort();
        shell.privateDirectory(dir);
        Path passwordFile = dir.resolve("password");
        shell.privateFile(passwordFile, password + "\n");
        postgres.initdb(data, passwordFile);
        shell.privateFile(data.resolve("postgresql.auto.conf"), "listen_addresses = '127.0.0.1'\nport = " + port
                + "\nunix_socket_directories = ''\n");
        postgres.start(data, dir.resolve("server.log"));
    }

    Path dataDir() {
        return data;
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", Postgres.AGENT);
        p.setProperty("password", password);
        p.setProperty("sslmode", "disable");
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    @Override
    public void close() {
        postgres.stop(data, "fast");
    }
}
