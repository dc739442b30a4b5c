package io.datastores.provisioning.domain;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import io.datastores.provisioning.config.CatalogLoader;

/** The shipped catalog and requests with sensible defaults, for the decider tests. */
final class Fixtures {

    static final Catalog CATALOG = load();
    static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    private Fixtures() {
    }

    static Catalog load() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/catalog.json")) {
            return CatalogLoader.read(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static InstanceCommand.RequestInstance request(String plan, Engine engine) {
        return request("i-1", "orders db", engine, plan);
    }

    static InstanceCommand.RequestInstance request(String instanceId, String name, Engine engine, String plan) {
        return new InstanceCommand.RequestInstance("r-" + instanceId, "org-1", instanceId, name, engine, Cloud.AWS,
                "us-east-1", plan, true, List.of(), null, null);
    }

    static InstanceCommand.RequestInstance with(InstanceCommand.RequestInstance r, Cloud cloud, String region,
            boolean tls, List<String> allowlist, Boolean scripting) {
        return new InstanceCommand.RequestInstance(r.requestId(), r.organizationId(), r.instanceId(), r.displayName(),
                r.engine(), cloud, region, r.plan(), tls, allowlist, scripting, r.trialEndsAt());
    }

    static InstanceCommand.RequestInstance named(InstanceCommand.RequestInstance r, String displayName) {
        return new InstanceCommand.RequestInstance(r.requestId(), r.organizationId(), r.instanceId(), displayName,
                r.engine(), r.cloud(), r.region(), r.plan(), r.tlsRequired(), r.allowlist(), r.scriptingEnabled(),
                r.trialEndsAt());
    }
}
