package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.MuxedConnection;
import io.servent.p2p.api.MuxedStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Test listener: queues inbound streams, records the close and the threads callbacks ran on. */
final class Recorder implements MuxedConnection.Listener {
    final LinkedBlockingQueue<MuxedStream> inbound = new LinkedBlockingQueue<>();
    final CompletableFuture<Optional<Throwable>> closed = new CompletableFuture<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    final LinkedBlockingQueue<String> callbackThreads = new LinkedBlockingQueue<>();

    @Override
    public void onStream(MuxedStream stream) {
        callbackThreads.add(Thread.currentThread().getName());
        inbound.add(stream);
    }

    @Override
    public void onClose(@Nullable Throwable cause) {
        callbackThreads.add(Thread.currentThread().getName());
        closeCalls.incrementAndGet();
        closed.complete(Optional.ofNullable(cause));
    }

    MuxedStream accept() throws InterruptedException {
        MuxedStream stream = inbound.poll(10, TimeUnit.SECONDS);
        assertThat(stream).as("an inbound stream within 10 s").isNotNull();
        return stream;
    }

    /** Waits for onClose and returns its cause (empty for an orderly close). */
    Optional<Throwable> awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
