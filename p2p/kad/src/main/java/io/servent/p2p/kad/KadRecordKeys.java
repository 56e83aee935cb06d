package io.servent.p2p.kad;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Record keys are {@code /<namespace>/<rest>}, with binary rest; this finds the namespace and prints keys. */
final class KadRecordKeys {
    private static final int MAX_PRINTED = 80;

    private KadRecordKeys() {}

    /** The namespace of {@code /<namespace>/…}, or empty text if the key has none. */
    static String namespace(byte[] key) {
        if (key.length < 3 || key[0] != '/') {
            return "";
        }
        for (int i = 1; i < key.length && i < 64; i++) {
            if (key[i] == '/') {
                return new String(key, 1, i - 1, StandardCharsets.US_ASCII);
            }
        }
        return "";
    }

    /** A key for logs: the namespace in text, the rest in hex if it is not printable, cut short. */
    static String describe(byte[] key) {
        boolean printable = true;
        for (byte b : key) {
            if (b < 0x20 || b > 0x7e) {
                printable = false;
                break;
            }
        }
        String text;
        if (printable) {
            text = new String(key, StandardCharsets.US_ASCII);
        } else {
            String ns = namespace(key);
            int skip = ns.isEmpty() ? 0 : ns.length() + 2;
            text = (ns.isEmpty() ? "" : "/" + ns + "/") + "0x" + HexFormat.of().formatHex(key, skip, key.length);
        }
        return text.length() > MAX_PRINTED ? text.substring(0, MAX_PRINTED) + "…" : text;
    }
}
