package io.servent.p2p.api;

import java.util.HexFormat;

/** Hex helpers for known-answer vectors, which the specs publish in hex. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
