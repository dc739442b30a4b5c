package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.datastores.contract.TopicSpec;
import io.datastores.contract.Topics;
import io.datastores.testkit.ProjectLayout;

/** The {@code ./dcp} commands a newcomer runs first, as the README shows them (no stack needed). */
class DcpScriptTest {

    @TempDir
    Path dir;

    record Run(int exit, String out) {
    }

    private Run dcp(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProjectLayout.root().resolve("dcp").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DCP_STACK_DIR", dir.resolve("stack").toString());
        pb.environment().put("DCP_BOOTSTRAP", "127.0.0.1:1");
        pb.environment().put("DCP_NO_BUILD", "1"); // never ./mvnw install from a test (a shared ~/.m2)
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void topicsListsTheCatalogue() throws Exception {
        Run run = dcp("topics");
        assertThat(run.exit()).isZero();
        for (TopicSpec<?> t : Topics.ALL) {
            assertThat(run.out()).contains(t.name()).contains(t.writer());
        }
    }

    @Test
    void theReadmesExampleFilesAreValidEvents() throws Exception {
        Path examples = ProjectLayout.root().resolve("examples");
        assertThat(dcp("publish", "dcp.billing-events", examples.resolve("billing-paid.json").toString(), "--dry-run")
                .out()).contains("1 valid event(s)");
        assertThat(dcp("publish", "dcp.instance-requests", examples.resolve("instance-requested.json").toString(),
                "--dry-run").out()).contains("2 valid event(s)");
        assertThat(dcp("publish", "dcp.instance-requests", examples.resolve("plaintext-rejected.json").toString(),
                "--dry-run").exit()).isZero();
    }

    @Test
    void anInvalidFileIsRefusedNamingTheFieldAndNothingIsSent() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"type\": \"InstanceRequested\", \"event\": {\"requestId\": \"r\"}}");
        Run run = dcp("publish", "dcp.instance-requests", bad.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).contains("#1.event.organizationId").doesNotContain("sent ");
        Run unknownTopic = dcp("publish", "dcp.nope", bad.toString());
        assertThat(unknownTopic.exit()).isNotZero();
        assertThat(unknownTopic.out()).contains("unknown topic 'dcp.nope'");
    }

    @Test
    void unknownCommandsSaySo() throws Exception {
        Run run = dcp("launch");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("unknown command 'launch'");
        assertThat(dcp("status").exit()).as("nothing runs in a new stack directory").isEqualTo(1);
    }
}
