package io.servent.p2p.api;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A self-describing network address such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…}, in
 * string and binary form. Parsing is strict and bounded. Immutable and thread-safe.
 *
 * @see <a href="https://github.com/multiformats/multiaddr">multiaddr</a>
 */
public final class Multiaddr {
    /** Addresses in the wild are well under this; longer input is refused before parsing. */
    public static final int MAX_LENGTH = 1024;

    public static final int MAX_COMPONENTS = 32;
    private static final int MAX_VALUE_LENGTH = 512;

    private final List<Component> components;

    private Multiaddr(List<Component> components) {
        this.components = List.copyOf(components);
    }

    /** One protocol and its value (empty for protocols without one). */
    public record Component(MultiaddrProtocol protocol, byte[] value) {
        public Component {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The value in the string form's notation, or empty text for protocols without a value. */
        public String valueString() {
            return protocol.hasValue() ? ValueCodec.toText(protocol, value) : "";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Component other && protocol == other.protocol && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return protocol.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return protocol.hasValue()
                    ? "/" + protocol.protocolName() + "/" + valueString()
                    : "/" + protocol.protocolName();
        }
    }

    public static Multiaddr parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new MultiformatException("multiaddr of " + text.length() + " characters exceeds " + MAX_LENGTH);
        }
        if (!text.startsWith("/")) {
            throw new MultiformatException("multiaddr '" + text + "' must start with '/'");
        }
        String[] parts = text.substring(1).split("/", -1);
        if (parts.length == 1 && parts[0].isEmpty()) {
            throw new MultiformatException("empty multiaddr");
        }
        // A trailing slash is tolerated, as other implementations do.
        int end = parts.length;
        if (end > 1 && parts[end - 1].isEmpty()) {
            end--;
        }
        List<Component> out = new ArrayList<>();
        int i = 0;
        while (i < end) {
            String name = parts[i++];
            MultiaddrProtocol protocol = MultiaddrProtocol.byName(name)
                    .orElseThrow(() ->
                            new MultiformatException("unknown protocol '" + name + "' in multiaddr '" + text + "'"));
            byte[] value = new byte[0];
            if (protocol == MultiaddrProtocol.UNIX) {
                // unix is a path protocol: it takes the rest of the address.
                if (i >= end) {
                    throw new MultiformatException("unix in multiaddr '" + text + "' has no path");
                }
                String path = "/" + String.join("/", Arrays.copyOfRange(parts, i, end));
                value = path.getBytes(StandardCharsets.UTF_8);
                i = end;
            } else if (protocol.hasValue()) {
                if (i >= end) {
                    throw new MultiformatException(name + " in multiaddr '" + text + "' is missing its value");
                }
                value = ValueCodec.fromText(protocol, parts[i++]);
            }
            out.add(new Component(protocol, value));
            checkComponentCount(out.size());
        }
        return new Multiaddr(out);
    }

    public static Multiaddr fromBytes(byte[] bytes) {
        if (bytes.length > MAX_LENGTH) {
            throw new MultiformatException("multiaddr of " + bytes.length + " bytes exceeds " + MAX_LENGTH);
        }
        if (bytes.length == 0) {
            throw new MultiformatException("empty multiaddr");
        }
        List<Component> out = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            Varint.Decoded code = Varint.decode(bytes, offset);
            offset += code.length();
            MultiaddrProtocol protocol = MultiaddrProtocol.byCode(code.value())
                    .orElseThrow(() -> new MultiformatException("unknown multiaddr protocol code " + code.value()));
            int size;
            if (protocol.isVariableSize()) {
                Varint.Decoded length = Varint.decode(bytes, offset);
                offset += length.length();
                if (length.value() > MAX_VALUE_LENGTH) {
                    throw new MultiformatException(protocol.protocolName() + " value of " + length.value()
                            + " bytes exceeds " + MAX_VALUE_LENGTH);
                }
                size = (int) length.value();
            } else {
                size = protocol.fixedSize();
            }
            if (offset + size > bytes.length) {
                throw new MultiformatException(protocol.protocolName() + " needs " + size + " value bytes but only "
                        + (bytes.length - offset) + " remain");
            }
            byte[] value = Arrays.copyOfRange(bytes, offset, offset + size);
            offset += size;
            ValueCodec.validate(protocol, value);
            out.add(new Component(protocol, value));
            checkComponentCount(out.size());
        }
        return new Multiaddr(out);
    }

    public static Multiaddr of(List<Component> components) {
        if (components.isEmpty()) {
            throw new MultiformatException("empty multiaddr");
        }
        checkComponentCount(components.size());
        for (Component c : components) {
            ValueCodec.validate(c.protocol(), c.value());
        }
        return new Multiaddr(components);
    }

    /** {@code /ip4/…/tcp/…} or {@code /ip6/…/tcp/…} for a socket address. */
    public static Multiaddr ofTcp(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new MultiformatException("unresolved address " + address);
        }
        MultiaddrProtocol ipProtocol = ip instanceof Inet4Address ? MultiaddrProtocol.IP4 : MultiaddrProtocol.IP6;
        byte[] port = {(byte) (address.getPort() >> 8), (byte) address.getPort()};
        return new Multiaddr(
                List.of(new Component(ipProtocol, ip.getAddress()), new Component(MultiaddrProtocol.TCP, port)));
    }

    private static void checkComponentCount(int count) {
        if (count > MAX_COMPONENTS) {
            throw new MultiformatException("multiaddr has more than " + MAX_COMPONENTS + " components");
        }
    }

    public List<Component> components() {
        return components;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            out.writeBytes(Varint.encode(c.protocol().code()));
            if (c.protocol().isVariableSize()) {
                out.writeBytes(Varint.encode(c.value.length));
            }
            out.writeBytes(c.value);
        }
        return out.toByteArray();
    }

    /** The first value of {@code protocol}, in string notation. */
    public Optional<String> valueOf(MultiaddrProtocol protocol) {
        return components.stream()
                .filter(c -> c.protocol() == protocol)
                .findFirst()
                .map(Component::valueString);
    }

    public boolean has(MultiaddrProtocol protocol) {
        return components.stream().anyMatch(c -> c.protocol() == protocol);
    }

    /** The peer this address names: the last {@code /p2p/} component. */
    public Optional<PeerId> peerId() {
        for (int i = components.size() - 1; i >= 0; i--) {
            Component c = components.get(i);
            if (c.protocol() == MultiaddrProtocol.P2P_CIRCUIT) {
                return Optional.empty();
            }
            if (c.protocol() == MultiaddrProtocol.P2P) {
                return Optional.of(PeerId.fromBytes(c.value));
            }
        }
        return Optional.empty();
    }

    /** This address with a trailing {@code /p2p/<peer>}, replacing one already there. */
    public Multiaddr withPeerId(PeerId peer) {
        return withoutPeerId().encapsulate(new Multiaddr(List.of(new Component(MultiaddrProtocol.P2P, peer.bytes()))));
    }

    /** This address without its trailing {@code /p2p/<peer>}, if any. */
    public Multiaddr withoutPeerId() {
        Component last = components.get(components.size() - 1);
        if (last.protocol() != MultiaddrProtocol.P2P || components.size() == 1) {
            return this;
        }
        return new Multiaddr(components.subList(0, components.size() - 1));
    }

    public Multiaddr encapsulate(Multiaddr inner) {
        List<Component> all = new ArrayList<>(components);
        all.addAll(inner.components);
        checkComponentCount(all.size());
        return new Multiaddr(all);
    }

    /** Everything before the last occurrence of {@code protocol}, or this address if it has none. */
    public Multiaddr decapsulate(MultiaddrProtocol protocol) {
        for (int i = components.size() - 1; i > 0; i--) {
            if (components.get(i).protocol() == protocol) {
                return new Multiaddr(components.subList(0, i));
            }
        }
        return this;
    }

    /** For {@code /ip4|ip6/…/tcp/…} prefixes: the socket address, without any DNS lookup. */
    public Optional<InetSocketAddress> toTcpSocketAddress() {
        if (components.size() < 2) {
            return Optional.empty();
        }
        Component ip = components.get(0);
        Component port = components.get(1);
        if ((ip.protocol() != MultiaddrProtocol.IP4 && ip.protocol() != MultiaddrProtocol.IP6)
                || port.protocol() != MultiaddrProtocol.TCP) {
            return Optional.empty();
        }
        try {
            InetAddress address = InetAddress.getByAddress(ip.value);
            return Optional.of(new InetSocketAddress(address, ValueCodec.port(port.value)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("validated IP bytes were rejected", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr other && components.equals(other.components);
    }

    @Override
    public int hashCode() {
        return components.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append(c);
        }
        return sb.toString();
    }

    /** Conversions between each protocol's string notation and its bytes. */
    private static final class ValueCodec {
        private ValueCodec() {}

        static byte[] fromText(MultiaddrProtocol protocol, String text) {
            if (text.length() > MAX_VALUE_LENGTH) {
                throw new MultiformatException(protocol.protocolName() + " value is too long");
            }
            byte[] value =
                    switch (protocol) {
                        case IP4 -> ip4(text);
                        case IP6 -> ip6(text);
                        case TCP, UDP, DCCP, SCTP -> portBytes(text);
                        case IPCIDR -> new byte[] {(byte) number(protocol, text, 255)};
                        case MEMORY -> memory(text);
                        case P2P -> PeerId.parse(text).bytes();
                        case ONION -> onion(text, 16, 10);
                        case ONION3 -> onion(text, 56, 35);
                        case CERTHASH -> Multibase.decode(text);
                        case HTTP_PATH ->
                            URLDecoder.decode(text, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
                        default -> text.getBytes(StandardCharsets.UTF_8);
                    };
            validate(protocol, value);
            return value;
        }

        static String toText(MultiaddrProtocol protocol, byte[] value) {
            return switch (protocol) {
                case IP4 ->
                    (value[0] & 0xFF) + "." + (value[1] & 0xFF) + "." + (value[2] & 0xFF) + "." + (value[3] & 0xFF);
                case IP6 -> ip6Text(value);
                case TCP, UDP, DCCP, SCTP -> Integer.toString(port(value));
                case IPCIDR -> Integer.toString(value[0] & 0xFF);
                case MEMORY ->
                    Long.toUnsignedString(java.nio.ByteBuffer.wrap(value).getLong());
                case P2P -> PeerId.fromBytes(value).toString();
                case ONION, ONION3 ->
                    Multibase.BASE32.encodeBare(Arrays.copyOf(value, value.length - 2)) + ":"
                            + port(Arrays.copyOfRange(value, value.length - 2, value.length));
                case CERTHASH -> Multibase.BASE64_URL.encode(value);
                case HTTP_PATH -> URLEncoder.encode(new String(value, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                case UNIX -> new String(value, StandardCharsets.UTF_8).substring(1);
                default -> new String(value, StandardCharsets.UTF_8);
            };
        }

        static void validate(MultiaddrProtocol protocol, byte[] value) {
            if (!protocol.hasValue()) {
                if (value.length != 0) {
                    throw new MultiformatException(protocol.protocolName() + " takes no value");
                }
                return;
            }
            if (!protocol.isVariableSize() && value.length != protocol.fixedSize()) {
                throw new MultiformatException(protocol.protocolName() + " values are " + protocol.fixedSize()
                        + " bytes, not " + value.length);
            }
            switch (protocol) {
                case P2P -> PeerId.fromBytes(value);
                case CERTHASH -> Multihash.decode(value);
                case UNIX -> {
                    String path = utf8(protocol, value);
                    if (!path.startsWith("/")) {
                        throw new MultiformatException("unix paths must be absolute");
                    }
                }
                case DNS, DNS4, DNS6, DNSADDR, SNI, IP6ZONE -> {
                    String s = utf8(protocol, value);
                    if (s.isEmpty() || s.indexOf('/') >= 0 || value.length > 255) {
                        throw new MultiformatException(
                                protocol.protocolName() + " value '" + s + "' must be 1–255 bytes without '/'");
                    }
                }
                default -> {}
            }
        }

        private static String utf8(MultiaddrProtocol protocol, byte[] value) {
            var decoder = StandardCharsets.UTF_8.newDecoder();
            try {
                return decoder.decode(java.nio.ByteBuffer.wrap(value)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new MultiformatException(protocol.protocolName() + " value is not valid UTF-8", e);
            }
        }

        static int port(byte[] value) {
            return ((value[0] & 0xFF) << 8) | (value[1] & 0xFF);
        }

        private static byte[] portBytes(String text) {
            int port = number(MultiaddrProtocol.TCP, text, 65535);
            return new byte[] {(byte) (port >> 8), (byte) port};
        }

        private static int number(MultiaddrProtocol protocol, String text, int max) {
            if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new MultiformatException("'" + text + "' is not a valid " + protocol.protocolName() + " number");
            }
            int n = Integer.parseInt(text);
            if (n > max) {
                throw new MultiformatException(
                        text + " is out of range for " + protocol.protocolName() + " (0–" + max + ")");
            }
            return n;
        }

        private static byte[] memory(String text) {
            if (text.isEmpty() || text.length() > 20 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new MultiformatException(
                        "'" + text + "' is not a valid memory address (an unsigned 64-bit number)");
            }
            try {
                return java.nio.ByteBuffer.allocate(8)
                        .putLong(Long.parseUnsignedLong(text))
                        .array();
            } catch (NumberFormatException e) {
                throw new MultiformatException("memory address " + text + " exceeds 64 bits", e);
            }
        }

        private static byte[] ip4(String text) {
            String[] octets = text.split("\\.", -1);
            if (octets.length != 4) {
                throw new MultiformatException("'" + text + "' is not an IPv4 address");
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String o = octets[i];
                if (o.isEmpty()
                        || o.length() > 3
                        || !o.chars().allMatch(c -> c >= '0' && c <= '9')
                        || (o.length() > 1 && o.charAt(0) == '0')) {
                    throw new MultiformatException("'" + text + "' is not an IPv4 address");
                }
                int v = Integer.parseInt(o);
                if (v > 255) {
                    throw new MultiformatException("'" + text + "' is not an IPv4 address (" + v + " > 255)");
                }
                out[i] = (byte) v;
            }
            return out;
        }

        private static byte[] ip6(String text) {
            // Only literal characters reach InetAddress, so it never consults DNS.
            if (text.isEmpty()
                    || text.indexOf(':') < 0
                    || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new MultiformatException("'" + text + "' is not an IPv6 address");
            }
            try {
                InetAddress address = InetAddress.getByName(text);
                if (address instanceof Inet6Address) {
                    return address.getAddress();
                }
                // An IPv4-mapped literal (::ffff:1.2.3.4) comes back as IPv4; keep the 16-byte form.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
                return mapped;
            } catch (UnknownHostException e) {
                throw new MultiformatException("'" + text + "' is not an IPv6 address", e);
            }
        }

        /** RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups as "::". */
        private static String ip6Text(byte[] value) {
            int[] groups = new int[8];
            for (int i = 0; i < 8; i++) {
                groups[i] = ((value[2 * i] & 0xFF) << 8) | (value[2 * i + 1] & 0xFF);
            }
            int bestStart = -1;
            int bestLength = 0;
            for (int i = 0; i < 8; ) {
                if (groups[i] != 0) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < 8 && groups[j] == 0) {
                    j++;
                }
                if (j - i > bestLength && j - i >= 2) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                if (i == bestStart) {
                    sb.append("::");
                    i += bestLength - 1;
                    continue;
                }
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                    sb.append(':');
                }
                sb.append(Integer.toHexString(groups[i]));
            }
            return sb.toString();
        }

        private static byte[] onion(String text, int hostChars, int hostBytes) {
            int colon = text.indexOf(':');
            if (colon != hostChars) {
                throw new MultiformatException(
                        "onion address '" + text + "' must be " + hostChars + " base32 characters, ':' and a port");
            }
            byte[] host = Multibase.BASE32.decodeBare(text.substring(0, colon).toLowerCase(Locale.ROOT));
            int port = number(MultiaddrProtocol.ONION, text.substring(colon + 1), 65535);
            if (port == 0) {
                throw new MultiformatException("onion port must be 1–65535");
            }
            byte[] out = Arrays.copyOf(host, hostBytes + 2);
            out[hostBytes] = (byte) (port >> 8);
            out[hostBytes + 1] = (byte) port;
            return out;
        }
    }
}
