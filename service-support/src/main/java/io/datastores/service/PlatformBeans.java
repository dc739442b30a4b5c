package io.datastores.service;

import java.time.Clock;
import java.time.Duration;

import io.datastores.kit.kafka.PlatformBootstrap;
import io.datastores.kit.serde.ContractSerdes;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** The beans every service shares: the contract's serdes, the clock, a prepared platform. */
@Factory
public class PlatformBeans {

    @Singleton
    ContractSerdes contractSerdes(@Value("${schema.registry.url}") String registryUrl) {
        return new ContractSerdes(registryUrl);
    }

    /** The wall clock; deciders never read it, they get event time. */
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Topics exist and compatibility is enforced before any topology that asks for this. */
    @Singleton
    PreparedPlatform preparedPlatform(@Value("${kafka.bootstrap.servers}") String bootstrapServers,
            ContractSerdes serdes) {
        PlatformBootstrap.prepare(bootstrapServers, serdes.registry(), Duration.ofSeconds(60));
        return new PreparedPlatform(bootstrapServers, serdes.registryUrl());
    }

    /** Proof, for injection, that the platform is prepared. */
    public record PreparedPlatform(String bootstrapServers, String registryUrl) {
    }
}
