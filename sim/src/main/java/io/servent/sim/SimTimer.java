package io.servent.sim;

import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread every simulated DHT schedules its periodic maintenance on. Periodic tasks get
 * a random extra first delay of up to one period: the simulator starts thousands of peers within a
 * minute, and without it they would all refresh their routing tables in the same minute, a storm no
 * real network (whose peers start at unrelated times) sees. The tasks only hand work to the DHTs'
 * own virtual threads, so one thread is enough. Thread-safe.
 */
final class SimTimer extends ScheduledThreadPoolExecutor {
    private final SplittableRandom random;

    SimTimer(long seed) {
        super(1, r -> {
            Thread t = new Thread(r, "sim-timer");
            t.setDaemon(true);
            return t;
        });
        this.random = new SplittableRandom(seed);
        setRemoveOnCancelPolicy(true);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        return super.scheduleWithFixedDelay(task, initialDelay + jitter(delay), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return super.scheduleAtFixedRate(task, initialDelay + jitter(period), period, unit);
    }

    private long jitter(long bound) {
        synchronized (random) {
            return bound <= 0 ? 0 : random.nextLong(bound + 1);
        }
    }
}
