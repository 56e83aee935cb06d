package io.servent.p2p.yamux;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread ({@code yamux-timer}) that runs keep-alive ticks for every Yamux connection
 * in the process, so an idle connection needs no thread of its own for them. Its tasks only queue a
 * ping or hand a dead connection to a fresh virtual thread; they never block. The thread is a daemon
 * owned by this class: it starts with the first task and ends after a minute without any. Thread-safe.
 */
final class YamuxTimer {
    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private YamuxTimer() {}

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "yamux-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(1, TimeUnit.MINUTES);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return EXECUTOR.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
