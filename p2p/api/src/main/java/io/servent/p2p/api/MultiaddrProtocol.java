package io.servent.p2p.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The multiaddr protocol table: name, code and value size, as in the spec's table. {@code memory}
 * follows go-multiaddr and rust-multiaddr (a 64-bit number); the spec's table and js-multiaddr
 * make it a variable-length string instead, which matters only to in-process transports.
 *
 * @see <a href="https://github.com/multiformats/multiaddr/blob/master/protocols.csv">protocols.csv</a>
 */
public enum MultiaddrProtocol {
    IP4(4, "ip4", 32),
    TCP(6, "tcp", 16),
    DCCP(33, "dccp", 16),
    IP6(41, "ip6", 128),
    IP6ZONE(42, "ip6zone", Sizes.VARIABLE),
    IPCIDR(43, "ipcidr", 8),
    DNS(53, "dns", Sizes.VARIABLE),
    DNS4(54, "dns4", Sizes.VARIABLE),
    DNS6(55, "dns6", Sizes.VARIABLE),
    DNSADDR(56, "dnsaddr", Sizes.VARIABLE),
    SCTP(132, "sctp", 16),
    UDP(273, "udp", 16),
    P2P_WEBRTC_STAR(275, "p2p-webrtc-star", 0),
    P2P_WEBRTC_DIRECT(276, "p2p-webrtc-direct", 0),
    P2P_STARDUST(277, "p2p-stardust", 0),
    WEBRTC_DIRECT(280, "webrtc-direct", 0),
    WEBRTC(281, "webrtc", 0),
    P2P_CIRCUIT(290, "p2p-circuit", 0),
    UDT(301, "udt", 0),
    UTP(302, "utp", 0),
    UNIX(400, "unix", Sizes.VARIABLE),
    P2P(421, "p2p", Sizes.VARIABLE),
    HTTPS(443, "https", 0),
    ONION(444, "onion", 96),
    ONION3(445, "onion3", 296),
    TLS(448, "tls", 0),
    SNI(449, "sni", Sizes.VARIABLE),
    NOISE(454, "noise", 0),
    QUIC(460, "quic", 0),
    QUIC_V1(461, "quic-v1", 0),
    WEBTRANSPORT(465, "webtransport", 0),
    CERTHASH(466, "certhash", Sizes.VARIABLE),
    WS(477, "ws", 0),
    WSS(478, "wss", 0),
    P2P_WEBSOCKET_STAR(479, "p2p-websocket-star", 0),
    HTTP(480, "http", 0),
    HTTP_PATH(481, "http-path", Sizes.VARIABLE),
    MEMORY(777, "memory", 64);

    private static final Map<Integer, MultiaddrProtocol> BY_CODE = new HashMap<>();
    private static final Map<String, MultiaddrProtocol> BY_NAME = new HashMap<>();

    static {
        for (MultiaddrProtocol p : values()) {
            BY_CODE.put(p.code, p);
            BY_NAME.put(p.protocolName, p);
        }
        BY_NAME.put("ipfs", P2P); // the spec's legacy alias
    }

    private final int code;
    private final String protocolName;
    private final int sizeBits;

    MultiaddrProtocol(int code, String protocolName, int sizeBits) {
        this.code = code;
        this.protocolName = protocolName;
        this.sizeBits = sizeBits;
    }

    public int code() {
        return code;
    }

    /** The name used in the string form, e.g. {@code ip4}. */
    public String protocolName() {
        return protocolName;
    }

    /** Whether the value is a varint length followed by that many bytes. */
    public boolean isVariableSize() {
        return sizeBits == Sizes.VARIABLE;
    }

    /**
     * Whether the value is a path that takes the rest of the string form ({@code /unix/tmp/a.sock}),
     * so the protocol can only be the last component.
     */
    public boolean isPath() {
        return this == UNIX;
    }

    /** Whether the protocol carries a value at all. */
    public boolean hasValue() {
        return sizeBits != 0;
    }

    /** Size of a fixed-size value in bytes. */
    public int fixedSize() {
        return sizeBits / 8;
    }

    public static Optional<MultiaddrProtocol> byCode(long code) {
        return code > Integer.MAX_VALUE ? Optional.empty() : Optional.ofNullable(BY_CODE.get((int) code));
    }

    public static Optional<MultiaddrProtocol> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    private static final class Sizes {
        static final int VARIABLE = -1;
    }
}
