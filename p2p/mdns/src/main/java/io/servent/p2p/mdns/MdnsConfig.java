package io.servent.p2p.mdns;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * How {@link MdnsDiscovery} runs.
 *
 * @param queryInterval time between queries (js-libp2p: 10 s); at least 100 ms
 * @param peerName this peer's DNS label ({@code <peer-name>._p2p._udp.local}): 1 to 63 letters,
 *     digits or hyphens. The spec asks for a random string of at least 32 characters, and the
 *     PeerId is too long for a label; {@link #defaults()} draws a fresh one
 * @param interfaces names of the network interfaces to use (e.g. {@code eth0}, {@code lo}); empty:
 *     every interface that is up, supports multicast and is not loopback or point-to-point, or
 *     loopback if there is none
 * @param ipv4 use 224.0.0.251
 * @param ipv6 use ff02::fb on the interfaces that have IPv6 (failures there are logged, not fatal)
 * @param port the mDNS port; only tests change it
 * @param recordTtl the TTL of the records this peer announces (js-libp2p: 120 s)
 * @param autoConnect connect to each newly discovered peer (js-libp2p leaves that to the application)
 */
public record MdnsConfig(
        Duration queryInterval,
        String peerName,
        List<String> interfaces,
        boolean ipv4,
        boolean ipv6,
        int port,
        Duration recordTtl,
        boolean autoConnect) {

    public static final int DEFAULT_PORT = 5353;
    static final Duration MIN_QUERY_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_RECORD_TTL = Duration.ofHours(1);
    private static final String PEER_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public MdnsConfig {
        interfaces = List.copyOf(interfaces);
        if (queryInterval.compareTo(MIN_QUERY_INTERVAL) < 0) {
            throw new IllegalArgumentException("the query interval must be at least " + MIN_QUERY_INTERVAL.toMillis()
                    + " ms, not " + queryInterval);
        }
        if (peerName.isEmpty()
                || peerName.length() > DnsName.MAX_LABEL_LENGTH
                || !peerName.chars().allMatch(c -> c == '-' || (c < 128 && Character.isLetterOrDigit(c)))) {
            throw new IllegalArgumentException(
                    "a peer name is 1 to 63 ASCII letters, digits or hyphens, not '" + peerName + "'");
        }
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("enable IPv4, IPv6 or both");
        }
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("not a UDP port: " + port);
        }
        if (recordTtl.compareTo(Duration.ofSeconds(1)) < 0 || recordTtl.compareTo(MAX_RECORD_TTL) > 0) {
            throw new IllegalArgumentException("the record TTL must be between 1 s and 1 h, not " + recordTtl);
        }
    }

    /** 10 s queries, a fresh random peer name, automatic interfaces, IPv4 and IPv6, port 5353, 120 s TTL. */
    public static MdnsConfig defaults() {
        return new MdnsConfig(
                Duration.ofSeconds(10),
                randomPeerName(),
                List.of(),
                true,
                true,
                DEFAULT_PORT,
                Duration.ofSeconds(120),
                false);
    }

    /** 32 to 63 random lower-case letters and digits, as rust-libp2p draws them. */
    public static String randomPeerName() {
        int length = 32 + RANDOM.nextInt(32);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(PEER_NAME_CHARACTERS.charAt(RANDOM.nextInt(PEER_NAME_CHARACTERS.length())));
        }
        return sb.toString();
    }

    public MdnsConfig withQueryInterval(Duration value) {
        return new MdnsConfig(value, peerName, interfaces, ipv4, ipv6, port, recordTtl, autoConnect);
    }

    public MdnsConfig withPeerName(String value) {
        return new MdnsConfig(queryInterval, value, interfaces, ipv4, ipv6, port, recordTtl, autoConnect);
    }

    public MdnsConfig withInterfaces(List<String> value) {
        return new MdnsConfig(queryInterval, peerName, value, ipv4, ipv6, port, recordTtl, autoConnect);
    }

    public MdnsConfig withIpv4(boolean value) {
        return new MdnsConfig(queryInterval, peerName, interfaces, value, ipv6, port, recordTtl, autoConnect);
    }

    public MdnsConfig withIpv6(boolean value) {
        return new MdnsConfig(queryInterval, peerName, interfaces, ipv4, value, port, recordTtl, autoConnect);
    }

    public MdnsConfig withPort(int value) {
        return new MdnsConfig(queryInterval, peerName, interfaces, ipv4, ipv6, value, recordTtl, autoConnect);
    }

    public MdnsConfig withRecordTtl(Duration value) {
        return new MdnsConfig(queryInterval, peerName, interfaces, ipv4, ipv6, port, value, autoConnect);
    }

    public MdnsConfig withAutoConnect(boolean value) {
        return new MdnsConfig(queryInterval, peerName, interfaces, ipv4, ipv6, port, recordTtl, value);
    }
}
