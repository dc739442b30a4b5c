package io.datastores.marketplace.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.JsonNode;

import io.datastores.kit.json.StateSerde;
import io.datastores.marketplace.domain.MarketplaceState;

/**
 * The {@value MarketplaceTopology#STORE} store's serde. Writes the kit's binary state format
 * ({@link StateSerde}: CBOR behind a self-describe header); reads that, and the previous version's
 * flat 18-field state, CBOR or JSON text, which {@link StoredMarketplaceState} moves one to one
 * into this version's parts: a store restored from a changelog the previous version wrote keeps
 * every instance's credentials, connections and decided requests.
 */
public final class MarketplaceStateSerde implements Serde<MarketplaceState> {

    private final StateSerde<MarketplaceState> current = new StateSerde<>(MarketplaceState.class);
    private final StateSerde<JsonNode> document = new StateSerde<>(JsonNode.class);

    @Override
    public Serializer<MarketplaceState> serializer() {
        return current.serializer();
    }

    @Override
    public Deserializer<MarketplaceState> deserializer() {
        Deserializer<MarketplaceState> now = current.deserializer();
        Deserializer<JsonNode> tree = document.deserializer();
        return (topic, data) -> {
            MarketplaceState state = now.deserialize(topic, data);
            // this version always writes its instance part (a state with none is the previous flat one,
            // whose fields this version's reader passed over)
            return state == null || state.instance() != null ? state
                    : StoredMarketplaceState.read(tree.deserialize(topic, data));
        };
    }
}
