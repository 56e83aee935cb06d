package io.servent.p2p.relay;

import io.servent.p2p.relay.proto.CircuitProto;

/** The status codes of circuit relay v2 hop and stop responses, with their wire numbers. */
public enum CircuitStatus {
    OK(100),
    RESERVATION_REFUSED(200),
    RESOURCE_LIMIT_EXCEEDED(201),
    PERMISSION_DENIED(202),
    CONNECTION_FAILED(203),
    NO_RESERVATION(204),
    MALFORMED_MESSAGE(400),
    UNEXPECTED_MESSAGE(401);

    private final int code;

    CircuitStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    CircuitProto.Status toProto() {
        return CircuitProto.Status.forNumber(code);
    }

    /** The status, or empty for UNUSED and numbers no spec version defines. */
    static java.util.Optional<CircuitStatus> fromProto(CircuitProto.Status status) {
        for (CircuitStatus s : values()) {
            if (s.code == status.getNumber()) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
