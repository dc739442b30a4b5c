package io.datastores.marketplace.topology;

import java.io.IOException;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.kit.json.JsonSerde;
import io.datastores.marketplace.domain.Cloud;
import io.datastores.marketplace.domain.Engine;
import io.datastores.marketplace.domain.MarketplaceState;
import io.datastores.marketplace.domain.MarketplaceState.AdminPassword;
import io.datastores.marketplace.domain.MarketplaceState.Connection;
import io.datastores.marketplace.domain.MarketplaceState.Credential;
import io.datastores.marketplace.domain.MarketplaceState.Endpoint;
import io.datastores.marketplace.domain.MarketplaceState.Instance;
import io.datastores.marketplace.domain.MarketplaceState.PendingCredential;
import io.datastores.marketplace.domain.MarketplaceState.Refusal;
import io.datastores.marketplace.domain.MarketplaceState.Requests;

/**
 * The previous version's {@link MarketplaceState}: one flat record of 18 fields (organizationId,
 * displayName, engine, plan, cloud, region, deleted, serviceHost, port, tlsRequired, listed,
 * credentials, connections, requestIds, refusals, hostAddress, adminPassword, pending), engine and
 * cloud as text. Each field moves one to one into this version's parts; the credentials,
 * connections, pending credentials and admin password kept their shape.
 */
final class StoredMarketplaceState {

    private StoredMarketplaceState() {
    }

    static MarketplaceState read(JsonNode flat) {
        try {
            Instance instance = new Instance(text(flat, "organizationId"), text(flat, "displayName"),
                    symbol(Engine.class, text(flat, "engine")), text(flat, "plan"),
                    symbol(Cloud.class, text(flat, "cloud")), text(flat, "region"),
                    flat.path("deleted").asBoolean(false));
            Endpoint endpoint = new Endpoint(text(flat, "serviceHost"), text(flat, "hostAddress"),
                    flat.path("port").asInt(0), flat.path("tlsRequired").asBoolean(true));
            Requests requests = new Requests(list(flat, "requestIds", new TypeReference<List<String>>() { }),
                    list(flat, "refusals", new TypeReference<List<Refusal>>() { }));
            JsonNode admin = flat.get("adminPassword");
            return new MarketplaceState(instance, endpoint, flat.path("listed").asBoolean(false),
                    list(flat, "credentials", new TypeReference<List<Credential>>() { }),
                    list(flat, "pending", new TypeReference<List<PendingCredential>>() { }),
                    list(flat, "connections", new TypeReference<List<Connection>>() { }),
                    admin == null || admin.isNull() ? null : JsonSerde.MAPPER.treeToValue(admin, AdminPassword.class),
                    requests);
        } catch (IOException | IllegalArgumentException e) {
            throw new SerializationException("cannot read the previous version's MarketplaceState", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static <E extends Enum<E>> E symbol(Class<E> type, String name) {
        return name == null ? null : Enum.valueOf(type, name);
    }

    private static <T> List<T> list(JsonNode node, String field, TypeReference<List<T>> type) throws IOException {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? List.of() : JsonSerde.MAPPER.readerFor(type).readValue(v);
    }
}
