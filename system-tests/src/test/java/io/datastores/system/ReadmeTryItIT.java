package io.datastores.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.datastores.stack.KafkaBroker;
import io.datastores.testkit.ProjectLayout;

/**
 * The README's "Try it" block, run as a reader runs it: {@code ./dcp up} (the stack under its own
 * directory in {@code target/}, on free ports: the {@code DCP_*_PORT} settings), then each command
 * of the block as written, in one bash session, with the ports and the placeholders a reader fills
 * in ({@code <id from above>}, {@code <a moment inside the window>}) taken from earlier answers. A
 * command that exits non-zero fails the test, and so does an HTTP answer outside 2xx unless the
 * command's comment in the README names that status. Where a reader would wait (instances becoming
 * ready, a failover completing), the test runs the command again until it shows what its comment
 * says; a read answering 404 or 503 (a read model catching up) is asked again for a while. The block
 * runs to its end, and every command that failed is reported. Every command, its answer and status
 * go to {@code target/readme-try-it.log}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeTryItIT {

    /** The stack's default ports, by the variable that moves each. */
    private static final Map<String, Integer> DEFAULT_PORTS = new LinkedHashMap<>();

    static {
        DEFAULT_PORTS.put("DCP_KAFKA_PORT", 9092);
        DEFAULT_PORTS.put("DCP_CONTROLLER_PORT", 9093);
        DEFAULT_PORTS.put("DCP_REGISTRY_PORT", 8081);
        DEFAULT_PORTS.put("DCP_PROVISIONING_PORT", 8091);
        DEFAULT_PORTS.put("DCP_FAILOVER_PORT", 8092);
        DEFAULT_PORTS.put("DCP_BACKUP_PORT", 8093);
        DEFAULT_PORTS.put("DCP_MARKETPLACE_PORT", 8094);
        DEFAULT_PORTS.put("DCP_SIMULATOR_PORT", 8095);
        DEFAULT_PORTS.put("DCP_DATAPLANE_PORT", 8096);
        DEFAULT_PORTS.put("DCP_ENDPOINTS_PORT", 8097);
    }

    /** What {@code ./dcp up} needs built (its {@code built()}); the test never lets it build. */
    private static final List<String> BUILT_MODULES = List.of("stack", "provisioning-service",
            "failover-service", "backup-service", "marketplace-service", "simulator", "dataplane", "dcp-cli");

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    /** How long a reader waits for what a command's comment promises. */
    private static final Duration READER_WAIT = Duration.ofSeconds(120);

    private final Path root = ProjectLayout.root();
    private final Path transcript = Path.of("target", "readme-try-it.log").toAbsolutePath();
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Shell shell;

    @BeforeAll
    void upOnFreePorts() throws IOException {
        for (String module : BUILT_MODULES) {
            assertThat(root.resolve(module).resolve("target/classpath.txt"))
                    .as("%s is packaged (the test runs after the build; ./dcp up must not build)", module)
                    .exists();
        }
        env.putAll(DcpStack.environment("readme-stack"));
        int servers = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(100) * 100;
        env.put("DCP_DATAPLANE_PORTS", servers + "-" + (servers + 99)); // the real servers' and endpoints' ports
        DEFAULT_PORTS.forEach((variable, port) -> {
            int free = KafkaBroker.freePort();
            ports.put(port, free);
            env.put(variable, String.valueOf(free));
        });
        Files.createDirectories(transcript.getParent());
        Files.writeString(transcript, "# the README's Try it block, ports " + ports + "\n");
        shell = new Shell(root, env);
        Shell.Result up = logged("./dcp up", shell.run("./dcp up", Duration.ofSeconds(300)));
        assertThat(up.exit()).as("./dcp up:\n%s", up.output()).isZero();
    }

    @AfterAll
    void down() throws IOException {
        if (shell != null) {
            logged("./dcp down", shell.run("./dcp down", COMMAND_TIMEOUT));
            shell.close();
        }
        DcpStack.deleteData(env);
    }

    private Shell.Result logged(String command, Shell.Result result) {
        try {
            Files.writeString(transcript, "$ " + command + "\n" + result.output() + "\n[exit " + result.exit()
                    + ", HTTP " + result.httpStatuses() + "]\n\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return result;
    }

    @Test
    @DisplayName("every command of the README's Try it block succeeds as written")
    void everyCommandAsWritten() throws IOException {
        List<TryItBlock.Command> commands = TryItBlock.read(root.resolve("README.md"));
        assertThat(commands).as("the Try it block's commands").hasSizeGreaterThan(20);
        List<String> answers = new ArrayList<>();
        // every command runs, even after one failed, so that one run shows all that a reader meets
        List<String> failures = new ArrayList<>();
        for (TryItBlock.Command command : commands) {
            String text = fillIn(withPorts(command.text()), answers);
            Set<Integer> expected = command.expectedStatuses();
            Predicate<Shell.Result> shows = readerWaitsFor(command.text());
            Shell.Result result;
            if (shows != null) {
                result = runUntil(text, r -> r.exit() != 0 || shows.test(r), READER_WAIT, Duration.ofSeconds(2));
                if (result.exit() == 0 && !shows.test(result)) {
                    failures.add("not shown within " + READER_WAIT + " (" + command.comment() + ") by\n" + text
                            + "\n" + result.output());
                }
            } else if (isRead(text) && !expected.contains(404) && !expected.contains(503)) {
                result = runUntil(text, r -> !r.httpStatuses().contains(404) && !r.httpStatuses().contains(503),
                        Duration.ofSeconds(60), Duration.ofSeconds(1));
            } else {
                result = logged(text, shell.run(text, COMMAND_TIMEOUT));
            }
            if (result.exit() != 0) {
                failures.add("exit " + result.exit() + " from\n" + text + "\n" + result.output());
            }
            for (int status : result.httpStatuses()) {
                if (status / 100 != 2 && !expected.contains(status)) {
                    failures.add("HTTP " + status + " (the README expects 2xx"
                            + (expected.isEmpty() ? "" : " or " + expected) + ") from\n" + text + "\n"
                            + result.output());
                }
            }
            answers.add(result.output());
        }
        assertThat(failures).as("commands of the README's Try it block that fail as written (%s of %s; see %s)",
                failures.size(), commands.size(), transcript).isEmpty();
    }

    /** Runs a command again, as a reader would, until {@code done} or {@code wait} has passed; the last run. */
    private Shell.Result runUntil(String text, Predicate<Shell.Result> done, Duration wait, Duration interval) {
        Shell.Result[] last = new Shell.Result[1];
        try {
            await().atMost(wait).pollInterval(interval).until(() -> {
                last[0] = logged(text, shell.run(text, COMMAND_TIMEOUT));
                return done.test(last[0]);
            });
        } catch (ConditionTimeoutException e) {
            // the last run is the answer: the caller reports it
        }
        return last[0];
    }

    /** The README's addresses, on this stack's ports. */
    private String withPorts(String command) {
        String text = command;
        for (Map.Entry<Integer, Integer> p : ports.entrySet()) {
            text = text.replace("localhost:" + p.getKey(), "localhost:" + p.getValue())
                    .replace("127.0.0.1:" + p.getKey(), "127.0.0.1:" + p.getValue());
        }
        return text;
    }

    private static final Pattern CREDENTIAL_ID = Pattern.compile("\"credentialId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern WINDOW_END = Pattern.compile("\"end\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CONNECTION_ID = Pattern.compile("\"connectionId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PASSWORD = Pattern.compile("\"password\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CONNECTION_STRING = Pattern.compile("\"connectionString\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-zA-Z][a-zA-Z ]*>");

    /** Fills in what the README leaves to the reader, from the answers so far. */
    private static String fillIn(String command, List<String> answers) {
        String text = command;
        if (text.contains("<id from above>")) {
            String id = null;
            for (String answer : answers) {
                Matcher m = CREDENTIAL_ID.matcher(answer);
                while (m.find()) {
                    id = m.group(1);
                }
            }
            assertThat(id).as("a credential id in an earlier answer, for %s", command).isNotNull();
            text = text.replace("<id from above>", id);
        }
        if (text.contains("<a moment inside the window>")) {
            String end = null;
            for (String answer : answers) {
                Matcher m = WINDOW_END.matcher(answer);
                if (answer.contains("\"start\"") && m.find()) {
                    end = m.group(1);
                }
            }
            assertThat(end).as("a restorable window in an earlier answer, for %s", command).isNotNull();
            text = text.replace("<a moment inside the window>", end);
        }
        text = fillLast(text, "<connection id>", CONNECTION_ID, answers);
        text = fillLast(text, "<password from above>", PASSWORD, answers);
        text = fillLast(text, "<connectionString from above>", CONNECTION_STRING, answers);
        Matcher left = PLACEHOLDER.matcher(text);
        assertThat(left.find()).as("a placeholder this test does not know how to fill in: %s", command).isFalse();
        return text;
    }

    /** {@code placeholder} replaced by the last value {@code pattern} finds in the answers so far. */
    private static String fillLast(String text, String placeholder, Pattern pattern, List<String> answers) {
        if (!text.contains(placeholder)) {
            return text;
        }
        String value = null;
        for (String answer : answers) {
            Matcher m = pattern.matcher(answer);
            while (m.find()) {
                value = m.group(1);
            }
        }
        assertThat(value).as("%s in an earlier answer, for %s", placeholder, text).isNotNull();
        return text.replace(placeholder, value);
    }

    private static boolean isRead(String command) {
        return command.startsWith("curl ") && !command.contains(" -X ") && !command.contains(" -d ");
    }

    /**
     * What a reader waits to see from a command before going on, where the README's comment names
     * it: the two instances ready (and the plaintext one refused), the failover run to its end.
     */
    private static Predicate<Shell.Result> readerWaitsFor(String command) {
        if (command.startsWith("./dcp tail dcp.instance-events")) {
            return r -> readyEvent(r.output(), "inst-orders-1") && readyEvent(r.output(), "inst-sessions-1")
                    && r.output().contains("\"type\":\"InstanceRejected\"");
        }
        if (command.startsWith("./dcp tail dcp.failover-events --type SwitchoverStarted")) {
            return r -> r.output().lines().anyMatch(l -> l.contains("\"type\":\"FailoverCompleted\"")
                    && l.contains("SWITCHOVER"));
        }
        if (command.startsWith("./dcp tail dcp.failover-events --type NodeSuspected")) {
            return r -> r.output().lines().anyMatch(l -> l.contains("\"type\":\"FailoverCompleted\"")
                    && l.contains("PROMOTION"));
        }
        if (command.startsWith("./dcp tail dcp.failover-events --type NodeFenced")) {
            return r -> r.output().contains("\"type\":\"NodeRejoined\"");
        }
        return null;
    }

    private static boolean readyEvent(String output, String instance) {
        return output.lines().anyMatch(l -> l.contains("\"type\":\"InstanceReady\"")
                && l.contains("\"key\":\"" + instance + "\""));
    }
}
