package io.servent.p2p.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A task on its own virtual thread whose blocking a test can observe. */
final class Background<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private Background(Callable<T> task) {
        thread = Thread.ofVirtual().name("test-background").unstarted(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
    }

    static <T> Background<T> start(Callable<T> task) {
        Background<T> background = new Background<>(task);
        background.thread.start();
        return background;
    }

    /** Parked (in a lock, condition or timed wait) and not finished. */
    boolean isBlocked() {
        Thread.State state = thread.getState();
        return !result.isDone() && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING);
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Waits for the outcome; a failure comes back as the {@link ExecutionException}'s cause. */
    T get(Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The failure the task ended with; fails if it succeeded or is still running after {@code timeout}. */
    Throwable failure(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            T value = get(timeout);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return java.util.Objects.requireNonNull(e.getCause());
        }
    }
}
