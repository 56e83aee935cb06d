package io.servent.p2p.noise;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Buffers lent to connections while frames are in flight, so that an idle connection holds none. Each
 * holds two maximal frames: the reader reads ahead into it and the writer seals two frames into it
 * before one raw write, halving the system calls of a busy connection. The pool keeps at most a few
 * buffers; beyond that a borrower gets a fresh one and a returned one is left to the garbage
 * collector. Thread-safe.
 *
 * <p>Returned buffers are not cleared: they only ever hold this process's own traffic.
 */
final class NoiseFramePool {
    /** A length prefix and the largest Noise message. */
    static final int FRAME_CAPACITY = 2 + NoiseHandshake.MAX_MESSAGE_LENGTH;

    /** Two maximal frames. */
    static final int BUFFER_SIZE = 2 * FRAME_CAPACITY;

    static final NoiseFramePool SHARED =
            new NoiseFramePool(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));

    private final ArrayBlockingQueue<byte[]> free;

    NoiseFramePool(int capacity) {
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    byte[] borrow() {
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[BUFFER_SIZE];
    }

    void release(byte[] buffer) {
        if (buffer.length == BUFFER_SIZE) {
            free.offer(buffer);
        }
    }
}
