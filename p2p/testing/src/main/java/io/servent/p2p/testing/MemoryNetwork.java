package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.MultiformatException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry of {@code /memory/<id>} listeners that {@link MemoryTransport}s dial. Transports on
 * different networks never see each other, so tests that run side by side in one JVM stay apart;
 * {@link #shared()} is a JVM-wide one for code that does not care. Thread-safe.
 */
public final class MemoryNetwork {
    /** Bytes buffered per direction of a connection before writes block: a TCP-like window. */
    public static final int DEFAULT_PIPE_CAPACITY = 256 * 1024;

    /** Connections dialed but not yet accepted, per listener, before dials wait. */
    public static final int DEFAULT_BACKLOG = 256;

    private static final MemoryNetwork SHARED = new MemoryNetwork();

    private final int pipeCapacity;
    private final int backlog;
    private final ConcurrentMap<Long, MemoryListener> listeners = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    public MemoryNetwork() {
        this(DEFAULT_PIPE_CAPACITY, DEFAULT_BACKLOG);
    }

    public MemoryNetwork(int pipeCapacity, int backlog) {
        if (pipeCapacity <= 0 || backlog <= 0) {
            throw new IllegalArgumentException(
                    "pipe capacity and backlog must be positive, not " + pipeCapacity + " and " + backlog);
        }
        this.pipeCapacity = pipeCapacity;
        this.backlog = backlog;
    }

    public static MemoryNetwork shared() {
        return SHARED;
    }

    /** {@code /memory/<id>}, the id read as unsigned. */
    public static Multiaddr address(long id) {
        return Multiaddr.parse("/memory/" + Long.toUnsignedString(id));
    }

    /**
     * The id of a memory address: {@code /memory/<id>}, optionally followed by {@code /p2p/<peer>}.
     * Empty for any other address.
     */
    public static Optional<Long> id(Multiaddr address) {
        List<Multiaddr.Component> components = address.components();
        if (components.get(0).protocol() != MultiaddrProtocol.MEMORY) {
            return Optional.empty();
        }
        for (int i = 1; i < components.size(); i++) {
            if (components.get(i).protocol() != MultiaddrProtocol.P2P) {
                return Optional.empty();
            }
        }
        return Optional.of(ByteBuffer.wrap(components.get(0).value()).getLong());
    }

    public int pipeCapacity() {
        return pipeCapacity;
    }

    /** Listeners currently bound. */
    public int listenerCount() {
        return listeners.size();
    }

    /** Binds {@code id}, or a free id if it is 0. */
    MemoryListener bind(long id) throws BindException {
        if (id == 0) {
            while (true) {
                long candidate = freshId();
                MemoryListener listener = new MemoryListener(this, candidate, backlog);
                if (listeners.putIfAbsent(candidate, listener) == null) {
                    return listener;
                }
            }
        }
        MemoryListener listener = new MemoryListener(this, id, backlog);
        if (listeners.putIfAbsent(id, listener) != null) {
            throw new BindException(address(id) + " is already in use on this memory network");
        }
        return listener;
    }

    void unbind(MemoryListener listener) {
        listeners.remove(listener.id(), listener);
    }

    Optional<MemoryListener> lookup(long id) {
        return Optional.ofNullable(listeners.get(id));
    }

    /** An id no listener was given, for the local address of a dialer that does not listen. */
    long freshId() {
        long id = nextId.getAndIncrement();
        if (id == 0) {
            throw new MultiformatException("memory network ran out of ids");
        }
        return id;
    }

    @Override
    public String toString() {
        return "MemoryNetwork@" + Integer.toHexString(System.identityHashCode(this)) + "[" + listeners.size()
                + " listeners]";
    }
}
