package io.servent.p2p.noise;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Frame buffers lent to connections while a frame is in flight, so that an idle connection holds no
 * 64 KiB buffer. The pool keeps at most a few buffers; beyond that a borrower gets a fresh one and a
 * returned one is left to the garbage collector. Thread-safe.
 *
 * <p>Returned buffers are not cleared: they only ever hold this process's own traffic.
 */
final class NoiseFramePool {
    /** A length prefix and the largest Noise message. */
    static final int FRAME_CAPACITY = 2 + NoiseHandshake.MAX_MESSAGE_LENGTH;

    static final NoiseFramePool SHARED =
            new NoiseFramePool(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));

    private final ArrayBlockingQueue<byte[]> free;

    NoiseFramePool(int capacity) {
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    byte[] borrow() {
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[FRAME_CAPACITY];
    }

    void release(byte[] buffer) {
        if (buffer.length == FRAME_CAPACITY) {
            free.offer(buffer);
        }
    }
}
