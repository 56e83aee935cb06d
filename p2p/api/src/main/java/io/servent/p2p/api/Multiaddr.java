package io.servent.p2p.api;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A self-describing network address such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…}, in
 * string and binary form. Parsing is strict and bounded; every multiaddr, however built, prints to
 * a string and encodes to bytes that parse back to it. Immutable and thread-safe.
 *
 * <p>The string form follows go-multiaddr where implementations differ: {@code /p2p/} values
 * print as base58btc whatever form they were given in, unix paths are written unescaped ({@code
 * /unix/tmp/a.sock}, not js-multiaddr's {@code /unix/%2Ftmp%2Fa.sock}), and {@code /http-path/}
 * values are percent-encoded path segments. Binary forms are the same everywhere.
 *
 * @see <a href="https://github.com/multiformats/multiaddr">multiaddr</a>
 */
public final class Multiaddr {
    /** The longest binary form; longer input is refused before parsing. */
    public static final int MAX_LENGTH = 1024;

    /**
     * The longest string form; longer input is refused before parsing. It is larger than {@link
     * #MAX_LENGTH} because text expands values (percent-escapes, decimal ports), and large enough
     * for the string form of every multiaddr within {@code MAX_LENGTH} bytes.
     */
    public static final int MAX_TEXT_LENGTH = 4 * MAX_LENGTH;

    public static final int MAX_COMPONENTS = 32;

    private final List<Component> components;
    private final byte[] bytes;

    private Multiaddr(List<Component> components) {
        if (components.isEmpty()) {
            throw new MultiformatException("empty multiaddr");
        }
        if (components.size() > MAX_COMPONENTS) {
            throw new MultiformatException("multiaddr has more than " + MAX_COMPONENTS + " components");
        }
        for (int i = 0; i < components.size() - 1; i++) {
            if (components.get(i).protocol().isPath()) {
                throw new MultiformatException(components.get(i).protocol().protocolName()
                        + " takes the rest of the address, so it must be the last component");
            }
        }
        this.components = List.copyOf(components);
        this.bytes = encode(this.components);
        if (bytes.length > MAX_LENGTH) {
            throw new MultiformatException("multiaddr of " + bytes.length + " bytes exceeds " + MAX_LENGTH);
        }
    }

    /** One protocol and its value (empty for protocols without one), checked when constructed. */
    public record Component(MultiaddrProtocol protocol, byte[] value) {
        /**
         * @throws MultiformatException if {@code value} is not a valid binary value of {@code protocol}
         */
        public Component {
            value = value.clone();
            MultiaddrValueCodec.validate(protocol, value);
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /**
         * The value in the string form's notation ({@code 127.0.0.1}, {@code 4001}, the base58 PeerId,
         * the absolute unix path), or empty text for protocols without a value.
         */
        public String valueString() {
            return protocol.hasValue() ? MultiaddrValueCodec.toText(protocol, value) : "";
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
            if (!protocol.hasValue()) {
                return "/" + protocol.protocolName();
            }
            // A path value starts with '/', which doubles as the separator.
            return "/" + protocol.protocolName() + (protocol.isPath() ? "" : "/") + valueString();
        }
    }

    /**
     * Parses the string form. Trailing slashes are ignored, as other implementations do; the legacy
     * name {@code ipfs} reads as {@code p2p}.
     */
    public static Multiaddr parse(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new MultiformatException("multiaddr of " + text.length() + " characters exceeds " + MAX_TEXT_LENGTH);
        }
        if (!text.startsWith("/")) {
            throw new MultiformatException("invalid multiaddr '" + text + "': it must start with '/'");
        }
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        if (end == 0) {
            throw new MultiformatException("empty multiaddr '" + text + "'");
        }
        String[] parts = text.substring(1, end).split("/", -1);
        List<Component> out = new ArrayList<>();
        int i = 0;
        try {
            while (i < parts.length) {
                if (out.size() == MAX_COMPONENTS) {
                    throw new MultiformatException("it has more than " + MAX_COMPONENTS + " components");
                }
                String name = parts[i++];
                MultiaddrProtocol protocol = MultiaddrProtocol.byName(name)
                        .orElseThrow(() -> new MultiformatException("unknown protocol '" + name + "'"));
                byte[] value = new byte[0];
                if (protocol.hasValue()) {
                    if (i >= parts.length) {
                        throw new MultiformatException(name + " is missing its value");
                    }
                    String valueText = protocol.isPath()
                            ? "/" + String.join("/", Arrays.copyOfRange(parts, i, parts.length))
                            : parts[i];
                    i = protocol.isPath() ? parts.length : i + 1;
                    value = MultiaddrValueCodec.fromText(protocol, valueText);
                }
                out.add(new Component(protocol, value));
            }
            return new Multiaddr(out);
        } catch (MultiformatException e) {
            throw new MultiformatException("invalid multiaddr '" + text + "': " + e.getMessage(), e);
        }
    }

    /** Parses the binary form: {@code <varint code>[<varint length>]<value>} per component. */
    public static Multiaddr fromBytes(byte[] bytes) {
        if (bytes.length > MAX_LENGTH) {
            throw new MultiformatException("multiaddr of " + bytes.length + " bytes exceeds " + MAX_LENGTH);
        }
        if (bytes.length == 0) {
            throw new MultiformatException("empty multiaddr");
        }
        List<Component> out = new ArrayList<>();
        int offset = 0;
        int start = 0;
        try {
            while (offset < bytes.length) {
                start = offset;
                if (out.size() == MAX_COMPONENTS) {
                    throw new MultiformatException("it has more than " + MAX_COMPONENTS + " components");
                }
                if (!out.isEmpty() && out.get(out.size() - 1).protocol().isPath()) {
                    throw new MultiformatException("a component follows the path protocol "
                            + out.get(out.size() - 1).protocol().protocolName());
                }
                Varint.Decoded code = Varint.decode(bytes, offset);
                MultiaddrProtocol protocol = MultiaddrProtocol.byCode(code.value())
                        .orElseThrow(() -> new MultiformatException("unknown protocol code " + code.value()));
                offset += code.length();
                int size = protocol.fixedSize();
                if (protocol.isVariableSize()) {
                    Varint.Decoded length = Varint.decode(bytes, offset);
                    if (length.value() > MultiaddrValueCodec.MAX_VALUE_LENGTH) {
                        throw new MultiformatException(protocol.protocolName() + " value of " + length.value()
                                + " bytes exceeds " + MultiaddrValueCodec.MAX_VALUE_LENGTH);
                    }
                    offset += length.length();
                    size = (int) length.value();
                }
                if (size > bytes.length - offset) {
                    throw new MultiformatException(protocol.protocolName() + " needs " + size + " value bytes but only "
                            + (bytes.length - offset) + " remain");
                }
                out.add(new Component(protocol, Arrays.copyOfRange(bytes, offset, offset + size)));
                offset += size;
            }
            return new Multiaddr(out);
        } catch (MultiformatException e) {
            throw new MultiformatException(
                    "invalid multiaddr bytes: component " + (out.size() + 1) + " at byte " + start + ": "
                            + e.getMessage(),
                    e);
        }
    }

    public static Multiaddr of(List<Component> components) {
        return new Multiaddr(components);
    }

    /**
     * {@code /ip4/…/tcp/…} or {@code /ip6/…/tcp/…} for a socket address; a scoped IPv6 address
     * (link-local {@code fe80::1%eth0}) gets its zone as a leading {@code /ip6zone/…}.
     */
    public static Multiaddr ofTcp(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new MultiformatException("unresolved address " + address);
        }
        byte[] port = {(byte) (address.getPort() >> 8), (byte) address.getPort()};
        List<Component> out = new ArrayList<>(3);
        if (ip instanceof Inet6Address ip6) {
            String zone = ip6.getScopedInterface() != null
                    ? ip6.getScopedInterface().getName()
                    : ip6.getScopeId() != 0 ? Integer.toString(ip6.getScopeId()) : null;
            if (zone != null) {
                out.add(new Component(MultiaddrProtocol.IP6ZONE, zone.getBytes(StandardCharsets.UTF_8)));
            }
            out.add(new Component(MultiaddrProtocol.IP6, ip.getAddress()));
        } else {
            out.add(new Component(MultiaddrProtocol.IP4, ip.getAddress()));
        }
        out.add(new Component(MultiaddrProtocol.TCP, port));
        return new Multiaddr(out);
    }

    private static byte[] encode(List<Component> components) {
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

    public List<Component> components() {
        return components;
    }

    public byte[] bytes() {
        return bytes.clone();
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

    /**
     * The peer this address reaches: the last {@code /p2p/} component, unless a {@code
     * /p2p-circuit} follows it (then the address names a relay, not the peer behind it). For {@code
     * /…/p2p/RELAY/p2p-circuit/p2p/TARGET} it is TARGET.
     */
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
        List<Component> all = new ArrayList<>(components);
        if (all.get(all.size() - 1).protocol() == MultiaddrProtocol.P2P) {
            all.remove(all.size() - 1);
        }
        all.add(new Component(MultiaddrProtocol.P2P, peer.bytes()));
        return new Multiaddr(all);
    }

    /** This address without its trailing {@code /p2p/<peer>}, if any (a bare {@code /p2p/<peer>} stays). */
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
        return new Multiaddr(all);
    }

    /**
     * Everything before the last occurrence of {@code protocol}. Returns this address unchanged if
     * {@code protocol} occurs nowhere or only as the first component, since a multiaddr is never
     * empty; {@link #decapsulate(Multiaddr)} reports that case.
     */
    public Multiaddr decapsulate(MultiaddrProtocol protocol) {
        for (int i = components.size() - 1; i > 0; i--) {
            if (components.get(i).protocol() == protocol) {
                return new Multiaddr(components.subList(0, i));
            }
        }
        return this;
    }

    /**
     * Everything before the last occurrence of {@code suffix}'s components, as go-multiaddr and
     * js-multiaddr decapsulate: {@code /ip4/1.2.3.4/udp/1/quic-v1} without {@code /udp/1} is {@code
     * /ip4/1.2.3.4}. This address if {@code suffix} does not occur; empty if nothing remains.
     */
    public Optional<Multiaddr> decapsulate(Multiaddr suffix) {
        int n = suffix.components.size();
        for (int i = components.size() - n; i >= 0; i--) {
            if (components.subList(i, i + n).equals(suffix.components)) {
                return i == 0 ? Optional.empty() : Optional.of(new Multiaddr(components.subList(0, i)));
            }
        }
        return Optional.of(this);
    }

    /**
     * For {@code /ip4|ip6/…/tcp/…} prefixes (optionally after {@code /ip6zone/…}): the socket
     * address, without any DNS lookup. Empty for other addresses and for zones that name no local
     * interface.
     */
    public Optional<InetSocketAddress> toTcpSocketAddress() {
        int first = components.get(0).protocol() == MultiaddrProtocol.IP6ZONE ? 1 : 0;
        if (components.size() < first + 2) {
            return Optional.empty();
        }
        Component ip = components.get(first);
        Component port = components.get(first + 1);
        if (port.protocol() != MultiaddrProtocol.TCP) {
            return Optional.empty();
        }
        int portNumber = MultiaddrValueCodec.port(port.value);
        try {
            if (ip.protocol() == MultiaddrProtocol.IP4 && first == 0) {
                return Optional.of(new InetSocketAddress(InetAddress.getByAddress(ip.value), portNumber));
            }
            if (ip.protocol() != MultiaddrProtocol.IP6) {
                return Optional.empty();
            }
            if (first == 0) {
                return Optional.of(new InetSocketAddress(InetAddress.getByAddress(ip.value), portNumber));
            }
            Inet6Address scoped = scoped(ip.value, new String(components.get(0).value, StandardCharsets.UTF_8));
            return scoped == null ? Optional.empty() : Optional.of(new InetSocketAddress(scoped, portNumber));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("validated IP bytes were rejected", e);
        }
    }

    /** An IPv6 address with a zone: a numeric scope id, or the name of a local interface. */
    private static @Nullable Inet6Address scoped(byte[] address, String zone) throws UnknownHostException {
        if (zone.length() <= 9 && zone.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Inet6Address.getByAddress(null, address, Integer.parseInt(zone));
        }
        try {
            NetworkInterface nif = NetworkInterface.getByName(zone);
            return nif == null ? null : Inet6Address.getByAddress(null, address, nif);
        } catch (SocketException | UnknownHostException e) {
            return null; // the address is fine, but this host has no such interface or no IPv6 on it
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append(c);
        }
        return sb.toString();
    }
}
