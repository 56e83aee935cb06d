package io.servent.p2p.yamux;

import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.StreamMuxer;

/** The Yamux stream muxer, {@value #PROTOCOL_ID}. Immutable and thread-safe. */
public final class YamuxMuxer implements StreamMuxer {
    public static final String PROTOCOL_ID = "/yamux/1.0.0";

    private final YamuxConfig config;

    public YamuxMuxer() {
        this(YamuxConfig.defaults());
    }

    public YamuxMuxer(YamuxConfig config) {
        this.config = config;
    }

    public YamuxConfig config() {
        return config;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /** Wraps {@code connection}; the initiator (dialer) uses odd stream ids, the responder even ones. */
    @Override
    public YamuxConnection wrap(SecureConnection connection, boolean initiator) {
        return new YamuxConnection(connection, initiator, config);
    }
}
