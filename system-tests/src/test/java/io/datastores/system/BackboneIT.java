package io.datastores.system;

import org.junit.jupiter.api.extension.ExtendWith;

import io.datastores.testkit.KafkaBrokerExtension;
import io.datastores.testkit.SchemaRegistryExtension;

/** The backbone on the embedded KRaft broker (this JVM) and the real registry (a process). */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class BackboneIT extends AbstractBackboneIT {

    @Override
    String bootstrapServers() {
        return KafkaBrokerExtension.bootstrapServers();
    }

    @Override
    String registryUrl() {
        return SchemaRegistryExtension.url();
    }
}
