package io.datastores.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bash session, fed commands one at a time as a reader types them: variables set by one
 * command are there for the next. Each command's output (stdout and stderr) and exit status come
 * back; so does the HTTP status of every {@code curl} it ran, which a function in front of curl
 * prints after the answer ({@code -w}), the command itself being left as written.
 */
final class Shell implements AutoCloseable {

    private static final String DONE = "@@dcp-shell-done ";
    private static final String HTTP = "@@dcp-shell-http ";
    private static final Pattern DONE_LINE = Pattern.compile(Pattern.quote(DONE) + "(\\d+)");
    private static final Pattern HTTP_LINE = Pattern.compile(Pattern.quote(HTTP) + "(\\d{3})");

    /** What a command printed (without the HTTP status lines), its exit status and curl's statuses. */
    record Result(String output, int exit, List<Integer> httpStatuses) {
    }

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Shell(Path workingDir, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc")
                .directory(workingDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stdin = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add(DONE + "255 (the shell's output broke: " + e + ")");
            }
        }, "shell-output");
        reader.setDaemon(true);
        reader.start();
        send("curl() { command curl -w '\\n" + HTTP + "%{http_code}\\n' \"$@\"; }");
    }

    private void send(String text) {
        try {
            stdin.write(text + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code command} (one line, or lines joined by backslashes) and waits for it to end. */
    Result run(String command, Duration timeout) {
        send(command);
        send("printf '\\n" + DONE + "%s\\n' \"$?\"");
        List<String> output = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line;
            try {
                line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (line == null) {
                throw new IllegalStateException("still running after " + timeout + ": " + command
                        + "\n" + String.join("\n", output));
            }
            Matcher done = DONE_LINE.matcher(line);
            if (done.find()) {
                String before = line.substring(0, done.start());
                if (!before.isEmpty()) {
                    output.add(before);
                }
                while (!output.isEmpty() && output.get(output.size() - 1).isEmpty()) {
                    output.remove(output.size() - 1);
                }
                return new Result(String.join("\n", output), Integer.parseInt(done.group(1)), statuses);
            }
            Matcher http = HTTP_LINE.matcher(line);
            if (http.find()) {
                statuses.add(Integer.parseInt(http.group(1)));
                String before = line.substring(0, http.start());
                if (!before.isEmpty()) {
                    output.add(before);
                }
            } else {
                output.add(line);
            }
        }
    }

    @Override
    public void close() {
        send("exit");
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
