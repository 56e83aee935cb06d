package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile lengths are checked before anything is allocated: each parser below is handed a length
 * field claiming far more than its bound and must refuse it having allocated only a small,
 * fixed amount (measured with the JVM's per-thread allocation counter).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AllocationBoundsTest {
    /** Exceptions with stack traces and messages cost a few KiB; allocating a claimed length costs far more. */
    private static final long SMALL = 64 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void warmUp() {
        // Class loading and static initialisation allocate; do them before measuring.
        Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV");
        Cid.parse("bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
        PublicKey.unmarshal(Hex.bytes(KeysTest.SPEC_ED25519_PUBLIC));
    }

    @Test
    void hostileLengthsAreRefusedBeforeAllocating() {
        for (Runnable r : hostile()) {
            assertThat(allocatedBy(r)).isLessThan(SMALL);
        }
    }

    @Test
    void lengthPrefixedReadsCheckTheDeclaredLengthFirst() {
        // 2^62 declared, and a stream that would supply it forever.
        byte[] header = Varint.encode(1L << 62);
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> LengthPrefixed.read(endless(header), 1 << 20))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessage("message of 4611686018427387904 bytes exceeds the limit of 1048576 bytes"));
        assertThat(allocated).isLessThan(SMALL);
    }

    @Test
    void aTruncatedMessageCostsWhatArrivedNotWhatWasDeclared() {
        byte[] input = new byte[20];
        System.arraycopy(Varint.encode(1 << 20), 0, input, 0, 3);
        long allocated = allocatedBy(
                () -> assertThatThrownBy(() -> LengthPrefixed.read(new ByteArrayInputStream(input), 1 << 20))
                        .isInstanceOf(java.io.EOFException.class));
        assertThat(allocated).isLessThan(SMALL);
    }

    @Test
    void varintReadsStopAfterNineBytesOfAnEndlessStream() {
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> Varint.read(endless(new byte[] {(byte) 0x80})))
                .isInstanceOf(ProtocolViolationException.class));
        assertThat(allocated).isLessThan(SMALL);
    }

    private static Runnable[] hostile() {
        byte[] hugeDigest = concat(Hex.bytes("00"), Varint.encode(1L << 62));
        byte[] hugeDnsValue = concat(Hex.bytes("35"), Varint.encode(1L << 40));
        byte[] hugeKeyData = concat(Hex.bytes("080112"), Varint.encode(1L << 60));
        byte[] hugeCidMultihash = concat(Hex.bytes("0170" + "00"), Varint.encode(1L << 50));
        return new Runnable[] {
            refused(() -> Multihash.decode(hugeDigest)),
            refused(() -> Multiaddr.fromBytes(hugeDnsValue)),
            refused(() -> PublicKey.unmarshal(hugeKeyData)),
            refused(() -> PrivateKey.unmarshal(hugeKeyData)),
            refused(() -> Cid.fromBytes(hugeCidMultihash)),
            refused(() -> PeerId.fromBytes(hugeDigest)),
            refused(() -> PeerId.parse(Base58.encode(hugeDigest))),
            refused(() -> Cid.parse("b" + Multibase.BASE32.encodeBare(hugeCidMultihash))),
        };
    }

    private static Runnable refused(Runnable parse) {
        return () -> assertThatThrownBy(parse::run).isInstanceOf(MultiformatException.class);
    }

    /** Bytes this thread allocates running {@code r}, measured on a second run so class loading is excluded. */
    private static long allocatedBy(Runnable r) {
        r.run();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        r.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static InputStream endless(byte[] prefix) {
        return new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                return position < prefix.length ? prefix[position++] & 0xFF : 0x80;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    b[off + i] = (byte) read();
                }
                return len;
            }
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
