package io.datastores.dataplane.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import io.datastores.dataplane.engine.Postgres;
import io.datastores.dataplane.engine.Shell;
import io.datastores.kit.json.JsonSerde;

/**
 * An instance's own accounts: the data plane's agent (a superuser, for telemetry and failover) and the
 * replication account. Generated once, kept in files only the server user may read; never in an event,
 * a log line or an error. The super admin's password is not kept: it is sealed for marketplace-service
 * when it is set, and forgotten.
 */
public record InstanceSecrets(String agentPassword, String replicatorPassword) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Reads them, or makes and writes them (with the password file the tools read) when they are new. */
    public static InstanceSecrets openOrCreate(Layout layout, String instanceId, Shell shell) {
        Path file = layout.secretsFile(instanceId);
        try {
            if (Files.exists(file)) {
                return JsonSerde.MAPPER.readValue(file.toFile(), InstanceSecrets.class);
            }
            InstanceSecrets secrets = new InstanceSecrets(newPassword(), newPassword());
            shell.privateDirectory(layout.instanceDir(instanceId));
            shell.privateFile(file, JsonSerde.MAPPER.writeValueAsString(secrets));
            shell.privateFile(layout.passFile(instanceId), "127.0.0.1:*:*:replicator:" + secrets.replicatorPassword()
                    + "\n127.0.0.1:*:*:" + Postgres.AGENT + ":" + secrets.agentPassword() + "\n");
            return secrets;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
