package io.servent.p2p.relay;

import io.servent.p2p.relay.proto.CircuitProto;
import java.time.Duration;
import java.util.Optional;

/**
 * What a relay allows one relayed connection: how long it may stay open and how many bytes it may
 * carry in each direction. Zero means no limit, as on the wire. Immutable.
 *
 * @param duration the longest life of a circuit, whole seconds on the wire; {@link Duration#ZERO} for none
 * @param data bytes allowed in each direction; 0 for none
 */
public record RelayLimit(Duration duration, long data) {
    public static final RelayLimit NONE = new RelayLimit(Duration.ZERO, 0);

    public RelayLimit {
        if (duration.isNegative() || data < 0) {
            throw new IllegalArgumentException("limits are zero (none) or positive: " + duration + ", " + data);
        }
    }

    public boolean isLimited() {
        return !duration.isZero() || data > 0;
    }

    /** The wire form, or empty when nothing is limited (the spec: an absent limit means none). */
    Optional<CircuitProto.Limit> toProto() {
        if (!isLimited()) {
            return Optional.empty();
        }
        CircuitProto.Limit.Builder limit = CircuitProto.Limit.newBuilder();
        if (!duration.isZero()) {
            // uint32 seconds; round up so a sub-second limit is not announced as "none".
            long seconds = Math.min(0xFFFF_FFFFL, (duration.toMillis() + 999) / 1000);
            limit.setDuration((int) seconds);
        }
        if (data > 0) {
            limit.setData(data);
        }
        return Optional.of(limit.build());
    }

    static RelayLimit fromProto(CircuitProto.Limit limit) {
        long seconds = Integer.toUnsignedLong(limit.getDuration());
        long data = limit.getData();
        // uint64 on the wire: a value past Long.MAX_VALUE is unlimited in practice.
        return new RelayLimit(Duration.ofSeconds(seconds), data < 0 ? Long.MAX_VALUE : data);
    }
}
