package io.datastores.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@code ./dcp} stack of a system test: its own directory under {@code target/}, the services as the
 * build packaged them (never built again by {@code ./dcp up}), no outside broker or registry, and the
 * class-data archives every such stack of the run shares (only the first stack to stop writes them; the
 * others start from them and stop without writing).
 */
final class DcpStack {

    private DcpStack() {
    }

    /** The environment of a new stack in {@code target/NAME-<random>}; callers add their ports. */
    static Map<String, String> environment(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DCP_STACK_DIR", Path.of("target", name + "-" + UUID.randomUUID()).toAbsolutePath().toString());
        env.put("DCP_NO_BUILD", "1");
        env.put("DCP_CDS_DIR", Path.of("target", "dcp-cds").toAbsolutePath().toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("DCP_BOOTSTRAP", "");
        env.put("DCP_REGISTRY", "");
        return env;
    }

    /**
     * After {@code ./dcp down}: the stack's data (some 300 MB) goes, and so does any class-data archive
     * left in it (one a KILLed service was writing); its logs stay for a look after a failure.
     */
    static void deleteData(Map<String, String> env) throws IOException {
        Path stack = Path.of(env.get("DCP_STACK_DIR"));
        for (String part : List.of("data", "cds")) {
            Path dir = stack.resolve(part);
            if (Files.isDirectory(dir)) {
                try (var files = Files.walk(dir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }
}
