package io.servent.p2p.relay;

/**
 * Circuit relay v2 protocol ids and wire bounds shared by the hop service and the client.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/relay/circuit-v2.md">circuit-v2</a>
 */
public final class CircuitRelay {
    /** Clients talk to relays on this protocol: RESERVE and CONNECT. */
    public static final String HOP_PROTOCOL_ID = "/libp2p/circuit/relay/0.2.0/hop";

    /** Relays talk to the reserving peer on this protocol to end a circuit there. */
    public static final String STOP_PROTOCOL_ID = "/libp2p/circuit/relay/0.2.0/stop";

    /**
     * The largest hop or stop message read, checked before allocating. go-libp2p uses the same 4 KiB;
     * a reservation with a voucher and a handful of addresses takes a few hundred bytes.
     */
    public static final int MAX_MESSAGE_SIZE = 4096;

    /** At most this many addresses are read from (or put into) a message. */
    static final int MAX_ADDRESSES = 32;

    private CircuitRelay() {}
}
