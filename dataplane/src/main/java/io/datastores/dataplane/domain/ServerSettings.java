package io.datastores.dataplane.domain;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.datastores.dataplane.domain.Fleet.Instance;
import io.datastores.dataplane.domain.Fleet.Node;
import io.datastores.dataplane.domain.Fleet.Role;

/**
 * A server's settings, from its instance's plan and its role: sized for a laptop, TLS only, the
 * published connection limit, and for a standby where it streams from. The data plane owns each
 * server's {@code postgresql.auto.conf} and {@code pg_hba.conf} and writes them whole.
 */
public final class ServerSettings {

    /** Connections kept for the data plane's own agent; they count within {@code max_connections}. */
    public static final int RESERVED_FOR_AGENT = 3;
    /** When a plan publishes no limit (events written before the limit travelled with the instance). */
    public static final int DEFAULT_CONNECTIONS = 100;

    private ServerSettings() {
    }

    /** Where a node's files are. */
    public record Paths(String certFile, String keyFile, String caFile, String passFile) {
    }

    /** {@code postgresql.auto.conf} for {@code node}; {@code primary} is whom a standby streams from. */
    public static String config(Instance instance, Node node, Node primary, Paths paths) {
        int connections = instance.connectionLimit() > 0 ? instance.connectionLimit() : DEFAULT_CONNECTIONS;
        StringBuilder out = new StringBuilder();
        out.append("# Written by the local data plane for ").append(node.nodeId()).append(" (")
                .append(node.role().name().toLowerCase(Locale.ROOT)).append(" of ").append(instance.instanceId())
                .append("); it rewrites this file whole.\n");
        line(out, "listen_addresses", "127.0.0.1");
        out.append("port = ").append(node.port()).append('\n');
        // TCP on loopback only: no Unix socket (its path would be bound by the OS's 107-byte limit, and the
        // data plane and its tools connect over TLS like any client)
        line(out, "unix_socket_directories", "");
        out.append("max_connections = ").append(connections).append('\n');
        out.append("superuser_reserved_connections = ").append(RESERVED_FOR_AGENT).append('\n');
        // sized for a laptop, not for production
        line(out, "shared_buffers", "16MB");
        line(out, "work_mem", "2MB");
        line(out, "maintenance_work_mem", "16MB");
        line(out, "max_worker_processes", "4");
        line(out, "wal_level", "replica");
        out.append("max_wal_senders = 10\nmax_replication_slots = 10\n");
        line(out, "wal_keep_size", "64MB");
        line(out, "max_slot_wal_keep_size", "512MB");
        line(out, "wal_log_hints", "on"); // pg_rewind needs it
        line(out, "hot_standby", "on");
        line(out, "hot_standby_feedback", "on");
        line(out, "wal_sender_timeout", "5s");
        line(out, "wal_receiver_timeout", "5s");
        line(out, "wal_retrieve_retry_interval", "500ms");
        line(out, "ssl", "on");
        line(out, "ssl_cert_file", paths.certFile());
        line(out, "ssl_key_file", paths.keyFile());
        line(out, "ssl_min_protocol_version", "TLSv1.2");
        line(out, "password_encryption", "scram-sha-256");
        if (node.role() == Role.PRIMARY) {
            String quorum = quorum(instance, node);
            line(out, "synchronous_standby_names", quorum);
            line(out, "synchronous_commit", "on");
        } else if (primary != null) {
            line(out, "primary_conninfo", conninfo(primary, node, paths));
            line(out, "primary_slot_name", slotName(node.nodeId()));
            line(out, "recovery_target_timeline", "latest");
        }
        return out.toString();
    }

    /** Only TLS, only with a password, only from this machine: plaintext is refused by the server. */
    public static String hba() {
        return "# Written by the local data plane: TLS only (no 'host' line), passwords (SCRAM) only.\n"
                + "hostssl replication  replicator  127.0.0.1/32    scram-sha-256\n"
                + "hostssl all          all         127.0.0.1/32    scram-sha-256\n";
    }

    /**
     * Premium commits synchronously to any one of its standbys (a commit a client saw survives the
     * primary's loss); other plans replicate asynchronously. Empty: no synchronous standby.
     */
    public static String quorum(Instance instance, Node primary) {
        List<Node> standbys = instance.standbys().stream().filter(n -> !n.nodeId().equals(primary.nodeId()))
                .toList();
        if (!instance.synchronous() || standbys.isEmpty()) {
            return "";
        }
        return "ANY 1 (" + standbys.stream().map(n -> "\"" + n.nodeId() + "\"").collect(Collectors.joining(", "))
                + ")";
    }

    /** How a standby reaches its primary: TLS verified against the stack's CA, the node as application name. */
    public static String conninfo(Node primary, Node standby, Paths paths) {
        return "host=127.0.0.1 port=" + primary.port() + " user=replicator passfile=" + paths.passFile()
                + " sslmode=verify-full sslrootcert=" + paths.caFile() + " application_name=" + standby.nodeId();
    }

    /** A replication slot's name for a node: slot names allow only lower-case letters, digits and '_'. */
    public static String slotName(String nodeId) {
        return nodeId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    private static void line(StringBuilder out, String name, String value) {
        out.append(name).append(" = '").append(value.replace("'", "''")).append("'\n");
    }
}
