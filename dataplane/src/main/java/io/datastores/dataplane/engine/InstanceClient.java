package io.datastores.dataplane.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How an application connects to an instance the local data plane runs: through the instance's
 * endpoint on loopback, TLS verified in full against the stack's CA (the server certificate names
 * {@code 127.0.0.1} as well as the service host), to {@code defaultdb}. For the tests and benchmarks
 * that act as such an application; the data plane itself connects to each server with {@link Sql}.
 */
public final class InstanceClient {

    private InstanceClient() {
    }

    /** Connects as {@code user}, failing within about 2 s when nothing answers. */
    public static Connection connect(int endpointPort, String user, String password, Path caFile)
            throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", caFile.toString());
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + endpointPort + "/defaultdb", p);
    }
}
