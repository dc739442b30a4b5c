package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.datastores.testkit.ProjectLayout;

/** How {@link ReadmeTryItIT} reads the README's Try it block: commands, continuations, comments. */
class TryItBlockTest {

    @TempDir
    Path dir;

    @Test
    void readsCommandsJoiningContinuationsAndKeepingCommentsApart() throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, String.join("\n", "# x", "## Try it", "", "```bash",
                "./dcp publish t f.json        # sent",
                "A=\"b # not a comment\"",
                "curl -s -H \"$A\" \\",
                "     -d '{\"x\":\"#1\"}' \\",
                "     localhost:8094/p        # made; 409 if it exists",
                "curl -s 'localhost:8093/w?at=1'  # base",
                "                                 # (422 names the window otherwise)",
                "./dcp down",
                "```", "after"));

        List<TryItBlock.Command> commands = TryItBlock.read(readme);

        assertThat(commands).extracting(TryItBlock.Command::text).containsExactly(
                "./dcp publish t f.json",
                "A=\"b # not a comment\"",
                "curl -s -H \"$A\" \\\n     -d '{\"x\":\"#1\"}' \\\n     localhost:8094/p",
                "curl -s 'localhost:8093/w?at=1'",
                "./dcp down");
        assertThat(commands.get(2).expectedStatuses()).containsExactly(409);
        assertThat(commands.get(3).expectedStatuses()).containsExactly(422);
        assertThat(commands.get(0).expectedStatuses()).isEmpty();
    }

    @Test
    void theReadmesBlockHasItsCommands() throws IOException {
        List<TryItBlock.Command> commands = TryItBlock.read(ProjectLayout.root().resolve("README.md"));

        assertThat(commands.get(0).text()).startsWith("./dcp publish dcp.billing-events");
        assertThat(commands).anySatisfy(c -> assertThat(c.text()).contains("/credentials").contains("\\\n"));
        assertThat(commands).noneSatisfy(c -> assertThat(c.text()).contains("# "));
        assertThat(commands.get(commands.size() - 1).text()).isEqualTo("./dcp down");
    }
}
