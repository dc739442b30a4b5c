package io.datastores.marketplace.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.datastores.marketplace.domain.Cloud;
import io.datastores.marketplace.domain.Engine;

/** Every engine and cloud the contract can carry has its domain symbol, and no other. */
class EnumMappingTest {

    @ParameterizedTest
    @EnumSource(io.datastores.events.Engine.class)
    void everyContractEngine(io.datastores.events.Engine e) {
        assertThat(MarketplaceMapping.engine(e).name()).isEqualTo(e.name());
    }

    @ParameterizedTest
    @EnumSource(io.datastores.events.Cloud.class)
    void everyContractCloud(io.datastores.events.Cloud c) {
        assertThat(MarketplaceMapping.cloud(c).name()).isEqualTo(c.name());
    }

    @org.junit.jupiter.api.Test
    void noDomainSymbolTheContractLacks() {
        assertThat(Arrays.stream(Engine.values()).map(Enum::name))
                .containsExactlyElementsOf(Arrays.stream(io.datastores.events.Engine.values()).map(Enum::name).toList());
        assertThat(Arrays.stream(Cloud.values()).map(Enum::name))
                .containsExactlyElementsOf(Arrays.stream(io.datastores.events.Cloud.values()).map(Enum::name).toList());
    }
}
