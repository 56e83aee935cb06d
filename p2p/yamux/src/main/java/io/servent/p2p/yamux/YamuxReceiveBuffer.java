package io.servent.p2p.yamux;

import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Bytes received on one stream and not yet read, as a queue of chunks. Payload pieces of at least
 * {@link #SMALL} bytes are kept as they were read (no copy); smaller ones are packed into shared
 * chunks so that a peer sending one-byte frames cannot make per-chunk overhead dwarf the window.
 * Not thread-safe: the owning stream calls it under its lock.
 */
final class YamuxReceiveBuffer {
    static final int SMALL = 1024;

    private static final class Chunk {
        final byte[] array;
        int start;
        int end;

        Chunk(byte[] array, int start, int end) {
            this.array = array;
            this.start = start;
            this.end = end;
        }
    }

    /** Created on first use: most streams of an idle connection never buffer anything. */
    private @Nullable ArrayDeque<Chunk> chunks;

    private long size;

    /** Appends a piece the caller hands over (it must not touch {@code piece} afterwards). */
    void append(byte[] piece) {
        int length = piece.length;
        if (length == 0) {
            return;
        }
        ArrayDeque<Chunk> queue = chunks;
        if (queue == null) {
            queue = new ArrayDeque<>(4);
            chunks = queue;
        }
        if (length < SMALL) {
            Chunk tail = queue.peekLast();
            if (tail == null || tail.array.length - tail.end < length) {
                tail = new Chunk(new byte[SMALL], 0, 0);
                queue.addLast(tail);
            }
            System.arraycopy(piece, 0, tail.array, tail.end, length);
            tail.end += length;
        } else {
            queue.addLast(new Chunk(piece, 0, length));
        }
        size += length;
    }

    /**
     * Where the oldest unread bytes are: removes up to {@code max} of them from the buffer and returns
     * their location, or null when empty. The bytes are never written again, so the caller may copy
     * them after releasing the lock that guards this buffer.
     */
    @Nullable
    Slice take(int max) {
        ArrayDeque<Chunk> queue = chunks;
        if (queue == null || max <= 0) {
            return null;
        }
        Chunk head = queue.peekFirst();
        if (head == null) {
            return null;
        }
        int n = Math.min(max, head.end - head.start);
        Slice slice = new Slice(head.array, head.start, n);
        head.start += n;
        if (head.start == head.end) {
            queue.pollFirst();
        }
        size -= n;
        if (size == 0) {
            // Drop the deque too, so a quiet stream holds no buffer memory.
            chunks = null;
        }
        return slice;
    }

    /** Copies up to {@code length} buffered bytes into {@code dst}; returns the count (0 if empty). */
    int read(byte[] dst, int offset, int length) {
        int copied = 0;
        Slice slice;
        while (copied < length && (slice = take(length - copied)) != null) {
            System.arraycopy(slice.array(), slice.offset(), dst, offset + copied, slice.length());
            copied += slice.length();
        }
        return copied;
    }

    /** Where taken bytes are: {@code length} bytes of {@code array} from {@code offset}. */
    static final class Slice {
        private final byte[] array;
        private final int offset;
        private final int length;

        Slice(byte[] array, int offset, int length) {
            this.array = array;
            this.offset = offset;
            this.length = length;
        }

        byte[] array() {
            return array;
        }

        int offset() {
            return offset;
        }

        int length() {
            return length;
        }
    }

    long size() {
        return size;
    }

    void clear() {
        chunks = null;
        size = 0;
    }
}
