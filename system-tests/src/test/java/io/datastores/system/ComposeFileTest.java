package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.datastores.testkit.ProjectLayout;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what can be checked: it
 * parses, it runs the same parts as {@code ./dcp up}, every service it builds exists with its main
 * class, and the services point at the broker and registry the file defines.
 */
class ComposeFileTest {

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        try (Reader in = Files.newBufferedReader(ProjectLayout.root().resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static List<String> builtServices() {
        return services.entrySet().stream().filter(e -> e.getValue().containsKey("build")).map(Map.Entry::getKey).toList();
    }

    @Test
    void runsTheSamePartsAsTheDevStack() {
        assertThat(services).containsKeys("kafka", "schema-registry");
        assertThat(builtServices()).containsExactlyInAnyOrderElementsOf(ControlPlane.PARTS.keySet());
    }

    @Test
    void everyBuiltServiceExistsWithItsMainClassAndDockerfile() {
        Path root = ProjectLayout.root();
        for (String name : builtServices()) {
            Map<String, Object> build = map(services.get(name).get("build"));
            Map<String, Object> args = map(build.get("args"));
            String module = (String) args.get("MODULE");
            String main = (String) args.get("MAIN");
            assertThat(root.resolve(module).resolve("pom.xml")).as(name + " module").exists();
            assertThat(root.resolve(module).resolve("src/main/java").resolve(main.replace('.', '/') + ".java"))
                    .as(name + " main class").exists();
            assertThat(ControlPlane.PARTS.get(name).mainClass()).as(name + " main class as ./dcp runs it").isEqualTo(main);
            assertThat(root.resolve((String) build.get("dockerfile"))).exists();
        }
    }

    @Test
    void servicesPointAtTheBrokerAndRegistryOfTheFile() {
        String advertised = (String) map(services.get("kafka").get("environment")).get("KAFKA_ADVERTISED_LISTENERS");
        String registryPort = ((List<?>) services.get("schema-registry").get("ports")).get(0).toString().split(":")[1];
        for (String name : builtServices()) {
            Map<String, Object> env = map(services.get(name).get("environment"));
            String bootstrap = (String) env.get("KAFKA_BOOTSTRAP_SERVERS");
            assertThat(advertised).as(name + " bootstrap").endsWith("//" + bootstrap);
            URI registry = URI.create((String) env.get("SCHEMA_REGISTRY_URL"));
            assertThat(services).as(name + " registry host").containsKey(registry.getHost());
            assertThat(registry.getPort()).as(name + " registry port").isEqualTo(Integer.parseInt(registryPort));
            assertThat(registry.getPath()).isEqualTo("/apis/ccompat/v7");
            assertThat(map(services.get(name).get("depends_on"))).containsKeys("kafka", "schema-registry");
            String port = (String) env.getOrDefault("MICRONAUT_SERVER_PORT", env.get("HTTP_PORT"));
            assertThat(((List<?>) services.get(name).get("ports")).get(0).toString()).as(name + " port")
                    .endsWith(":" + port);
        }
    }

    @Test
    void theBrokerImageIsTheVersionOfOurClients() {
        assertThat((String) services.get("kafka").get("image")).endsWith(":" + AppInfoParser.getVersion());
        assertThat((String) services.get("schema-registry").get("image")).endsWith(":2.4.2.Final");
    }
}
