package io.servent.p2p.api;

/**
 * Bitcoin's base58 alphabet, used by PeerIds and CIDv0. Empty input encodes to the empty string and
 * back. Decoding refuses input longer than 4096 characters. Stateless and thread-safe.
 */
public final class Base58 {
    private static final RadixCodec CODEC =
            new RadixCodec("base58btc", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

    private Base58() {}

    public static String encode(byte[] input) {
        return CODEC.encode(input);
    }

    public static byte[] decode(String input) {
        return CODEC.decode(input);
    }
}
