package io.datastores.dataplane.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the engines' command-line tools, as the unprivileged user the servers run as when this process
 * is root (PostgreSQL refuses to run as root): {@code runuser -u <user> -- tool ...}. The environment is
 * cleared of {@code PG*} variables, so nothing of the caller's leaks into a tool (a password in
 * particular: tools read theirs from a password file). A tool that fails or overruns its time is an
 * {@link EngineException} carrying the tool's own last lines.
 */
public final class Shell {

    private final String runAs;

    /** @param runAs the OS user to run tools and own files as; null: this process's own user */
    public Shell(String runAs) {
        this.runAs = runAs;
    }

    /** The user to run servers as: {@code postgres} when this process is root, else none (itself). */
    public static Shell forThisProcess(String serverUser) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return new Shell(root ? serverUser : null);
    }

    public String runAs() {
        return runAs;
    }

    /** Runs {@code command}, waits up to {@code timeout}, returns what it printed (stdout and stderr). */
    public String run(List<String> command, Duration timeout, Map<String, String> env) {
        List<String> full = new ArrayList<>();
        if (runAs != null) {
            full.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
        builder.environment().putAll(env);
        String tool = Path.of(command.get(0)).getFileName().toString();
        try {
            Path out = Files.createTempFile("dcp-tool", ".out");
            try {
                Process p = builder.redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new EngineException(tool + " did not finish within " + timeout.toSeconds() + " s: "
                            + tail(Files.readString(out, StandardCharsets.UTF_8)));
                }
                String printed = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new EngineException(tool + " failed (exit " + p.exitValue() + "): " + tail(printed));
                }
                return printed;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new EngineException("cannot run " + tool + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(tool + " interrupted", e);
        }
    }

    public String run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of());
    }

    /**
     * Fails, saying what to do, when the server user cannot enter {@code dir} or read a file (a parent
     * without the execute bit for others: the servers' files under it would be out of their reach).
     */
    public void checkReachable(Path dir) {
        if (runAs == null) {
            return;
        }
        try {
            run(List.of("test", java.nio.file.Files.isDirectory(dir) ? "-x" : "-r", dir.toString()), Duration.ofSeconds(5));
        } catch (EngineException e) {
            throw new EngineException("the servers' user " + runAs + " cannot reach " + dir + ": every directory above"
                    + " it must be enterable by others (chmod o+x), and a file readable");
        }
    }

    /** Creates a directory (and its parents) that the server user owns, private to it. */
    public void privateDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            own(dir);
        } catch (IOException e) {
            throw new EngineException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file the server user owns and only it may read. */
    public void privateFile(Path file, String content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            own(tmp);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EngineException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void own(Path path) throws IOException {
        if (runAs != null) {
            UserPrincipal user = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs);
            Files.setOwner(path, user);
        }
    }

    /** The last lines of a tool's output: enough to say why, short enough for an event. */
    public static String tail(String printed) {
        String[] lines = printed.strip().split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = Math.max(0, lines.length - 4); i < lines.length; i++) {
            if (out.length() > 0) {
                out.append(" | ");
            }
            out.append(lines[i].strip());
        }
        String text = out.toString();
        return text.length() > 600 ? text.substring(text.length() - 600) : text;
    }
}
