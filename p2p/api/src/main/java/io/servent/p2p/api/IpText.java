package io.servent.p2p.api;

/**
 * IPv4 and IPv6 addresses in text, parsed and printed by hand so that no text ever reaches {@link
 * java.net.InetAddress} (which may consult DNS) and printing is canonical (RFC 5952). Stateless
 * and thread-safe.
 */
final class IpText {
    /** The longest IPv6 text: eight 4-digit groups, or six and a dotted IPv4 address. */
    private static final int MAX_IP6_LENGTH = 45;

    private IpText() {}

    /** Dotted-decimal IPv4: four decimal octets, no leading zeros (which some parsers read as octal). */
    static byte[] parseIp4(String text) {
        byte[] out = new byte[4];
        int octet = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && text.charAt(i) != '.') {
                continue;
            }
            if (octet == 4) {
                throw invalid("ip4", text, "more than four octets");
            }
            out[octet++] = (byte) parseOctet(text, start, i);
            start = i + 1;
        }
        if (octet != 4) {
            throw invalid("ip4", text, "it needs four octets separated by '.'");
        }
        return out;
    }

    private static int parseOctet(String text, int start, int end) {
        int length = end - start;
        if (length == 0 || length > 3) {
            throw invalid("ip4", text, "octet at position " + start + " must have 1 to 3 digits");
        }
        if (length > 1 && text.charAt(start) == '0') {
            throw invalid("ip4", text, "octet at position " + start + " has a leading zero");
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid("ip4", text, "unexpected character at position " + i);
            }
            value = value * 10 + (c - '0');
        }
        if (value > 255) {
            throw invalid("ip4", text, "octet " + value + " exceeds 255");
        }
        return value;
    }

    static String formatIp4(byte[] value, int offset) {
        return (value[offset] & 0xFF) + "." + (value[offset + 1] & 0xFF) + "." + (value[offset + 2] & 0xFF) + "."
                + (value[offset + 3] & 0xFF);
    }

    /**
     * RFC 4291 section 2.2 text: eight groups of 1–4 hex digits, at most one "::" for one or more
     * zero groups, and optionally a dotted IPv4 address as the last 32 bits. Zones ({@code %eth0})
     * are not part of an ip6 value; multiaddrs carry them in {@code /ip6zone}.
     */
    static byte[] parseIp6(String text) {
        if (text.isEmpty() || text.length() > MAX_IP6_LENGTH) {
            throw invalid("ip6", text, "an IPv6 address has 2 to " + MAX_IP6_LENGTH + " characters");
        }
        if (text.indexOf('%') >= 0) {
            throw invalid("ip6", text, "write a zone as /ip6zone/<zone> before /ip6, not with '%'");
        }
        int gap = text.indexOf("::");
        int[] groups = new int[8];
        int count;
        if (gap < 0) {
            count = parseGroups(text, 0, text.length(), groups, 0, true);
            if (count != 8) {
                throw invalid("ip6", text, "it has " + count + " groups of 16 bits, not 8, and no '::'");
            }
        } else {
            if (text.indexOf("::", gap + 1) >= 0) {
                throw invalid("ip6", text, "'::' may appear only once");
            }
            int[] tail = new int[8];
            int head = parseGroups(text, 0, gap, groups, 0, false);
            int tailCount = parseGroups(text, gap + 2, text.length(), tail, 0, true);
            if (head + tailCount > 7) {
                throw invalid("ip6", text, "'::' must stand for at least one zero group");
            }
            System.arraycopy(tail, 0, groups, 8 - tailCount, tailCount);
            count = 8;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < count; i++) {
            out[2 * i] = (byte) (groups[i] >> 8);
            out[2 * i + 1] = (byte) groups[i];
        }
        return out;
    }

    /** Parses {@code text[start, end)} as ':'-separated groups into {@code out}; returns how many. */
    private static int parseGroups(String text, int start, int end, int[] out, int first, boolean ipv4Allowed) {
        if (start == end) {
            return 0;
        }
        int count = first;
        int groupStart = start;
        for (int i = start; i <= end; i++) {
            if (i < end && text.charAt(i) != ':') {
                continue;
            }
            if (count >= 8) {
                throw invalid("ip6", text, "more than 8 groups of 16 bits");
            }
            String group = text.substring(groupStart, i);
            if (i == end && ipv4Allowed && group.indexOf('.') >= 0) {
                if (count > 6) {
                    throw invalid("ip6", text, "no room for the embedded IPv4 address");
                }
                byte[] v4 = parseIp4(group);
                out[count++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                out[count++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
            } else {
                out[count++] = parseHexGroup(text, groupStart, i);
            }
            groupStart = i + 1;
        }
        return count - first;
    }

    private static int parseHexGroup(String text, int start, int end) {
        if (end - start < 1 || end - start > 4) {
            throw invalid("ip6", text, "group at position " + start + " must have 1 to 4 hex digits");
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            int digit = c < 128 ? Character.digit(c, 16) : -1;
            if (digit < 0) {
                throw invalid("ip6", text, "unexpected character at position " + i);
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /**
     * RFC 5952 text: lower case, no leading zeros, the first longest run of two or more zero
     * groups as "::", and IPv4-mapped addresses as {@code ::ffff:a.b.c.d} (section 5).
     */
    static String formatIp6(byte[] value) {
        if (isIpv4Mapped(value)) {
            return "::ffff:" + formatIp4(value, 12);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((value[2 * i] & 0xFF) << 8) | (value[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is never shortened
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
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

    private static boolean isIpv4Mapped(byte[] value) {
        for (int i = 0; i < 10; i++) {
            if (value[i] != 0) {
                return false;
            }
        }
        return value[10] == (byte) 0xFF && value[11] == (byte) 0xFF;
    }

    private static MultiformatException invalid(String protocol, String text, String reason) {
        return new MultiformatException("'" + text + "' is not a valid " + protocol + " address: " + reason);
    }
}
