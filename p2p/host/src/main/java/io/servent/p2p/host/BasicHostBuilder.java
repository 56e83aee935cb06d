package io.servent.p2p.host;

import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.api.SecurityProtocol;
import io.servent.p2p.api.StreamMuxer;
import io.servent.p2p.api.Transport;
import io.servent.p2p.noise.NoiseSecurity;
import io.servent.p2p.tcp.TcpTransport;
import io.servent.p2p.yamux.YamuxConfig;
import io.servent.p2p.yamux.YamuxMuxer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/** Assembles a {@link BasicHost}. Not thread-safe; use from one thread. */
public final class BasicHostBuilder {
    private final PrivateKey key;
    private HostConfig config = HostConfig.defaults();
    private final List<Transport> transports = new ArrayList<>();
    private final List<SecurityProtocol> security = new ArrayList<>();
    private final List<StreamMuxer> muxers = new ArrayList<>();
    private @Nullable ScheduledExecutorService sharedTimer;

    BasicHostBuilder(PrivateKey key) {
        this.key = key;
    }

    public BasicHostBuilder config(HostConfig value) {
        this.config = value;
        return this;
    }

    public BasicHostBuilder transport(Transport value) {
        transports.add(value);
        return this;
    }

    /** Security protocols in order of preference. */
    public BasicHostBuilder security(SecurityProtocol value) {
        security.add(value);
        return this;
    }

    /** Muxers in order of preference. */
    public BasicHostBuilder muxer(StreamMuxer value) {
        muxers.add(value);
        return this;
    }

    /**
     * Schedules the host's deadlines on {@code timer} instead of a timer thread of its own, which the
     * caller keeps and shuts down itself. For processes that run thousands of hosts (the simulator);
     * the tasks are short and never block.
     */
    public BasicHostBuilder sharedTimer(ScheduledExecutorService timer) {
        this.sharedTimer = timer;
        return this;
    }

    /**
     * Builds the host. Unless set: TCP, Noise, and Yamux sized by {@link HostConfig#limits()}, so that
     * the muxer enforces the same stream and buffer limits the host reports.
     */
    public BasicHost build() {
        List<Transport> t = transports.isEmpty() ? List.of(new TcpTransport()) : transports;
        List<SecurityProtocol> s = security.isEmpty() ? List.of(new NoiseSecurity()) : security;
        List<StreamMuxer> m = muxers.isEmpty() ? List.of(defaultYamux(config.limits())) : muxers;
        return new BasicHost(key, config, t, s, m, sharedTimer);
    }

    static YamuxMuxer defaultYamux(HostLimits limits) {
        return new YamuxMuxer(YamuxConfig.defaults()
                .withMaxStreams(limits.maxStreamsPerConnection())
                .withMaxConnectionWindow(limits.maxBufferedBytesPerConnection()));
    }
}
