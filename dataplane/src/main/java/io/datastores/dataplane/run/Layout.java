package io.datastores.dataplane.run;

import java.nio.file.Path;

import io.datastores.dataplane.domain.ServerSettings;

/**
 * Where the data plane keeps things, under its directory: {@code fleet.json} (what it runs),
 * {@code instances/<id>/} (secrets, password file, certificate) and {@code nodes/<id>/} (the data
 * directory and the server's log).
 */
public record Layout(Path root, Path caFile) {

    public Path fleetFile() {
        return root.resolve("fleet.json");
    }

    public Path instanceDir(String instanceId) {
        return root.resolve("instances").resolve(instanceId);
    }

    public Path secretsFile(String instanceId) {
        return instanceDir(instanceId).resolve("secrets.json");
    }

    public Path passFile(String instanceId) {
        return instanceDir(instanceId).resolve("pgpass");
    }

    public Path certFile(String instanceId) {
        return instanceDir(instanceId).resolve("server.crt");
    }

    public Path keyFile(String instanceId) {
        return instanceDir(instanceId).resolve("server.key");
    }

    public Path nodeDir(String nodeId) {
        return root.resolve("nodes").resolve(nodeId);
    }

    public Path dataDir(String nodeId) {
        return nodeDir(nodeId).resolve("data");
    }

    public Path serverLog(String nodeId) {
        return nodeDir(nodeId).resolve("server.log");
    }

    public ServerSettings.Paths paths(String instanceId, String nodeId) {
        return new ServerSettings.Paths(certFile(instanceId).toString(),
                keyFile(instanceId).toString(), caFile.toString(), passFile(instanceId).toString());
    }
}
