package io.servent.p2p.yamux;

import java.time.Duration;

/**
 * Tuning and limits of a Yamux connection. Immutable; start from {@link #defaults()}.
 *
 * @param maxStreams streams open at once on one connection, both directions together; an outbound
 *     open beyond it fails with {@link io.servent.p2p.api.ResourceLimitException}, an inbound one is
 *     reset
 * @param maxAckBacklog outbound streams the peer has not acknowledged yet; opening more waits up to
 *     {@code streamOpenTimeout} (the libp2p spec recommends 256)
 * @param streamOpenTimeout how long {@code openStream} waits for the ACK backlog to shrink (zero: it
 *     fails at once)
 * @param maxStreamWindow the largest receive window auto-tuning grows one stream to
 * @param maxConnectionWindow the sum of receive windows over all streams of a connection beyond
 *     which auto-tuning stops growing windows (every stream keeps the 256 KiB the spec grants)
 * @param maxFramePayload the largest Data frame payload this side sends; larger writes are split so
 *     streams interleave
 * @param keepAliveInterval how often a ping is sent (also measures the round-trip time);
 *     {@link Duration#ZERO} disables keep-alive
 * @param pingTimeout how long past {@code keepAliveInterval} without any frame from the peer the
 *     connection is considered dead, and how long {@code ping()} waits
 * @param closeGracePeriod bounds each step of an orderly {@code close()}: writing the GoAway, then
 *     (after a half-close) waiting for the peer to end the connection before it is closed outright
 * @param maxStreamRefusals inbound streams refused (over {@code maxStreams}) within {@code
 *     refusalPeriod} before the peer is treated as hostile and the connection is closed
 * @param refusalPeriod see {@code maxStreamRefusals}
 */
public record YamuxConfig(
        int maxStreams,
        int maxAckBacklog,
        Duration streamOpenTimeout,
        int maxStreamWindow,
        long maxConnectionWindow,
        int maxFramePayload,
        Duration keepAliveInterval,
        Duration pingTimeout,
        Duration closeGracePeriod,
        int maxStreamRefusals,
        Duration refusalPeriod) {

    public YamuxConfig {
        requirePositive(maxStreams, "maxStreams");
        requirePositive(maxAckBacklog, "maxAckBacklog");
        requireNonNegative(streamOpenTimeout, "streamOpenTimeout");
        if (maxStreamWindow < YamuxHeader.INITIAL_WINDOW) {
            throw new IllegalArgumentException(
                    "maxStreamWindow " + maxStreamWindow + " is below the spec's initial window of 256 KiB");
        }
        if (maxConnectionWindow < YamuxHeader.INITIAL_WINDOW) {
            throw new IllegalArgumentException("maxConnectionWindow " + maxConnectionWindow + " is below 256 KiB");
        }
        if (maxFramePayload < 1024 || maxFramePayload > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxFramePayload " + maxFramePayload + " is not in [1 KiB, 16 MiB]");
        }
        requireNonNegative(keepAliveInterval, "keepAliveInterval");
        requireNonNegative(pingTimeout, "pingTimeout");
        if (pingTimeout.isZero()) {
            throw new IllegalArgumentException("pingTimeout must be positive");
        }
        requireNonNegative(closeGracePeriod, "closeGracePeriod");
        requirePositive(maxStreamRefusals, "maxStreamRefusals");
        requireNonNegative(refusalPeriod, "refusalPeriod");
    }

    public static YamuxConfig defaults() {
        return new YamuxConfig(
                512,
                256,
                Duration.ofSeconds(10),
                16 * 1024 * 1024,
                32L * 1024 * 1024,
                64 * 1024,
                Duration.ofSeconds(30),
                Duration.ofSeconds(15),
                Duration.ofSeconds(1),
                64,
                Duration.ofSeconds(10));
    }

    public YamuxConfig withMaxStreams(int value) {
        return new YamuxConfig(
                value,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withMaxAckBacklog(int value) {
        return new YamuxConfig(
                maxStreams,
                value,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withStreamOpenTimeout(Duration value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                value,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withMaxStreamWindow(int value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                value,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withMaxConnectionWindow(long value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                value,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withMaxFramePayload(int value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                value,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withKeepAliveInterval(Duration value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                value,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withPingTimeout(Duration value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                value,
                closeGracePeriod,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withCloseGracePeriod(Duration value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                value,
                maxStreamRefusals,
                refusalPeriod);
    }

    public YamuxConfig withMaxStreamRefusals(int value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                value,
                refusalPeriod);
    }

    public YamuxConfig withRefusalPeriod(Duration value) {
        return new YamuxConfig(
                maxStreams,
                maxAckBacklog,
                streamOpenTimeout,
                maxStreamWindow,
                maxConnectionWindow,
                maxFramePayload,
                keepAliveInterval,
                pingTimeout,
                closeGracePeriod,
                maxStreamRefusals,
                value);
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    private static void requireNonNegative(Duration value, String name) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, not " + value);
        }
    }
}
