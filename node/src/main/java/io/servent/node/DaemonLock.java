package io.servent.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Exclusive ownership of a data directory by one daemon: an OS file lock on {@code daemon.lock},
 * which also holds the owner's pid for the message the next daemon prints. The OS drops the lock
 * when the process dies, so a crash never leaves the directory locked. Thread-safe.
 */
final class DaemonLock implements AutoCloseable {
    static final String FILE_NAME = "daemon.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DaemonLock acquire(Path dir, String displayDir) throws StartupException {
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    file,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    AtomicFile.ownerOnly());
        } catch (IOException e) {
            throw new StartupException("cannot open " + file + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM already holds it (a second in-process daemon on the same directory)
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            String owner = readOwner(channel);
            closeQuietly(channel);
            throw new StartupException("another servent daemon is already running for " + displayDir
                    + (owner.isEmpty() ? "" : " (pid " + owner + ")"));
        }
        try {
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(true);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new DaemonLock(channel, lock);
    }

    private static String readOwner(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("\\d{1,19}") ? text : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it anyway.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing useful to do; the OS releases the lock with the descriptor.
        }
    }
}
