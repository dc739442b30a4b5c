package io.datastores.kit.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file whole or not at all (a temporary sibling, synced, then renamed over it), so that a
 * reader or a crash never sees half of it; {@link #writePrivate} makes the file readable by its
 * owner only (mode 0600) from its first byte. {@link #locked} runs an action under an exclusive
 * lock on a file, so that two processes do not make the same key at once.
 */
public final class AtomicFiles {

    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private AtomicFiles() {
    }

    /** Replaces {@code file} with {@code content}. */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, false);
    }

    /** Replaces {@code file} with {@code content}, readable and writable by its owner only. */
    public static void writePrivate(Path file, byte[] content) throws IOException {
        write(file, content, true);
    }

    /** An action that reads or writes files. */
    @FunctionalInterface
    public interface FileAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} holding an exclusive lock on {@code lockFile} (created if absent),
     * against other processes and other threads of this one.
     */
    public static <T> T locked(Path lockFile, FileAction<T> action) throws IOException {
        Path parent = lockFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        synchronized (AtomicFiles.class) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                return action.run();
            }
        }
    }

    private static void write(Path file, byte[] content, boolean ownerOnly) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        FileAttribute<?>[] attributes = ownerOnly && POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (!ownerOnly && POSIX) {
                // createTempFile makes 0600; an ordinary file gets the usual 0644.
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
