package io.servent.p2p.kad;

import java.util.Arrays;

/** A byte-array map key with value equality (record and provider keys). Immutable and thread-safe. */
final class ByteKey {
    private final byte[] bytes;
    private final int hash;

    ByteKey(byte[] bytes) {
        this.bytes = bytes.clone();
        this.hash = Arrays.hashCode(this.bytes);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return KadRecordKeys.describe(bytes);
    }
}
