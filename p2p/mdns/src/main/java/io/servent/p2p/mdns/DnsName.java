package io.servent.p2p.mdns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A domain name as a list of labels, e.g. {@code [_p2p, _udp, local]}. Kept as labels rather than
 * dotted text because a DNS-SD instance label may itself contain a dot. Comparisons that matter on
 * the wire are ASCII case-insensitive ({@link #equalsIgnoreCase}); {@code equals} is exact.
 * Immutable and thread-safe.
 *
 * @param labels the labels, root last omitted (the root name has none)
 */
public record DnsName(List<String> labels) {
    /** RFC 1035 §2.3.4: 63 octets per label. */
    public static final int MAX_LABEL_LENGTH = 63;

    /** RFC 1035 §2.3.4: 255 octets for the whole name in wire form, length octets included. */
    public static final int MAX_WIRE_LENGTH = 255;

    public DnsName {
        labels = List.copyOf(labels);
        int wire = 1;
        for (String label : labels) {
            int n = label.getBytes(StandardCharsets.UTF_8).length;
            if (n == 0 || n > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException(
                        "a DNS label has 1 to " + MAX_LABEL_LENGTH + " bytes, not " + n + ": '" + label + "'");
            }
            wire += 1 + n;
        }
        if (wire > MAX_WIRE_LENGTH) {
            throw new IllegalArgumentException(
                    "a DNS name has at most " + MAX_WIRE_LENGTH + " bytes in wire form, not " + wire);
        }
    }

    /** Parses dotted text; a trailing dot (the root) is allowed. Labels cannot contain dots this way. */
    public static DnsName parse(String dotted) {
        String text = dotted.endsWith(".") ? dotted.substring(0, dotted.length() - 1) : dotted;
        if (text.isEmpty()) {
            return new DnsName(List.of());
        }
        return new DnsName(List.of(text.split("\\.", -1)));
    }

    /** This name with {@code label} in front: {@code peer} + {@code _p2p._udp.local}. */
    public DnsName prepend(String label) {
        List<String> all = new ArrayList<>(labels.size() + 1);
        all.add(label);
        all.addAll(labels);
        return new DnsName(all);
    }

    /** The first label, or empty text for the root. */
    public String first() {
        return labels.isEmpty() ? "" : labels.get(0);
    }

    /** Bytes in wire form without compression. */
    public int wireLength() {
        int wire = 1;
        for (String label : labels) {
            wire += 1 + label.getBytes(StandardCharsets.UTF_8).length;
        }
        return wire;
    }

    /** DNS comparison: label by label, ASCII letters case-insensitive (RFC 1035 §2.3.3). */
    public boolean equalsIgnoreCase(DnsName other) {
        if (labels.size() != other.labels.size()) {
            return false;
        }
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.get(i).equalsIgnoreCase(other.labels.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return labels.isEmpty() ? "." : String.join(".", labels);
    }
}
