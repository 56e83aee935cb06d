package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.ProtocolViolationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The framing streams over in-memory bytes: buffering, frame sizes, buffer lending, counters. */
@Timeout(60)
class NoiseStreamsTest {
    private static final ChaChaPoly AEAD = ChaChaPoly.select(List.of(NoiseCipherProvider.JDK));
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A fresh key per test: reusing a key and nonce is exactly what the ciphers must refuse. */
    private final byte[] key = randomKey();

    private final NoiseFramePool pool = new NoiseFramePool(4);
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final AtomicInteger sessionsEnded = new AtomicInteger();
    private final NoiseOutputStream out =
            new NoiseOutputStream(wire, new NoiseCipherState(AEAD, key, 0), pool, sessionsEnded::incrementAndGet);

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    /** The frame lengths found in {@code bytes}, checking that they tile it exactly. */
    private static List<Integer> frameLengths(byte[] bytes) {
        List<Integer> lengths = new ArrayList<>();
        int position = 0;
        while (position < bytes.length) {
            int length = ((bytes[position] & 0xFF) << 8) | (bytes[position + 1] & 0xFF);
            lengths.add(length);
            position += 2 + length;
        }
        assertThat(position).isEqualTo(bytes.length);
        return lengths;
    }

    private NoiseInputStream reader(byte[] bytes, long nonce) {
        return new NoiseInputStream(
                new ByteArrayInputStream(bytes),
                new NoiseCipherState(AEAD, key, nonce),
                pool,
                sessionsEnded::incrementAndGet);
    }

    @Test
    void smallWritesWaitForFlushAndLeaveNoBufferBehind() throws IOException {
        out.write(1);
        out.write(new byte[100]);
        assertThat(wire.size()).as("nothing sent before flush").isZero();
        assertThat(out.holdsBuffer()).isTrue();
        out.flush();
        assertThat(frameLengths(wire.toByteArray())).containsExactly(101 + 16);
        assertThat(out.holdsBuffer())
                .as("an idle, flushed stream holds no frame buffer")
                .isFalse();
        out.flush();
        assertThat(frameLengths(wire.toByteArray()))
                .as("an empty flush sends nothing")
                .hasSize(1);
    }

    @Test
    void fullFramesGoOutTwoPerWriteWithoutFlush() throws IOException {
        CountingOutputStream counted = new CountingOutputStream(wire);
        NoiseOutputStream writer = new NoiseOutputStream(counted, new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        byte[] data = new byte[2 * NoiseOutputStream.MAX_PLAINTEXT + 10];
        writer.write(data, 0, 10);
        writer.write(data, 10, NoiseOutputStream.MAX_PLAINTEXT);
        assertThat(wire.size()).as("one sealed frame waits for a second one").isZero();
        assertThat(writer.staged()).isEqualTo(10);
        writer.write(data, 10 + NoiseOutputStream.MAX_PLAINTEXT, NoiseOutputStream.MAX_PLAINTEXT);
        assertThat(writer.staged()).isEqualTo(10);
        writer.flush();
        assertThat(frameLengths(wire.toByteArray())).containsExactly(65535, 65535, 26);
        assertThat(counted.writes)
                .as("two full frames in one system call, the flushed one in another")
                .isEqualTo(2);
        assertThat(writer.holdsBuffer()).isFalse();
    }

    @Test
    void theCallerSealsTheNextFramesWhileTheWriterThreadWaitsForTheSocket() throws Exception {
        CountDownLatch socketFree = new CountDownLatch(1);
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        OutputStream slowSocket = new FilterOutputStream(wire) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                firstWriteStarted.countDown();
                try {
                    socketFree.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                out.write(b, off, len);
            }
        };
        NoiseOutputStream writer =
                new NoiseOutputStream(slowSocket, new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        byte[] data = new byte[3 * NoiseOutputStream.MAX_PLAINTEXT];
        new Random(7).nextBytes(data);

        writer.write(data);
        assertThat(firstWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.staged())
                .as("the third frame was sealed while the socket was blocked")
                .isZero();
        assertThat(wire.size()).isZero();
        socketFree.countDown();
        writer.flush();

        assertThat(frameLengths(wire.toByteArray())).containsExactly(65535, 65535, 65535);
        assertThat(reader(wire.toByteArray(), 0).readAllBytes()).isEqualTo(data);
        assertThat(writer.holdsBuffer()).isFalse();
    }

    @Test
    void aFailedWriteInTheWriterThreadIsReportedByTheNextCall() throws IOException {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };
        NoiseOutputStream writer = new NoiseOutputStream(broken, new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        writer.write(new byte[2 * NoiseOutputStream.MAX_PLAINTEXT]);

        assertThatThrownBy(writer::flush).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
        assertThatThrownBy(() -> writer.write(1)).hasMessageContaining("failed earlier");
        assertThat(writer.holdsBuffer()).isFalse();
    }

    @Test
    void aFlushSendsTheSealedFrameAndThePartialOneInOneWrite() throws IOException {
        CountingOutputStream counted = new CountingOutputStream(wire);
        NoiseOutputStream writer = new NoiseOutputStream(counted, new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        writer.write(new byte[NoiseOutputStream.MAX_PLAINTEXT + 100]);
        writer.flush();
        assertThat(frameLengths(wire.toByteArray())).containsExactly(65535, 116);
        assertThat(counted.writes).isEqualTo(1);
    }

    @Test
    void theReaderReadsAheadAboutOneSystemCallPerFrame() throws IOException {
        byte[] data = new byte[8 * NoiseOutputStream.MAX_PLAINTEXT];
        new Random(3).nextBytes(data);
        out.write(data);
        out.flush();
        CountingInputStream counted = new CountingInputStream(new ByteArrayInputStream(wire.toByteArray()));
        NoiseInputStream in =
                new NoiseInputStream(counted, new NoiseCipherState(AEAD, key, 0), pool, sessionsEnded::incrementAndGet);
        assertThat(in.readAllBytes()).isEqualTo(data);
        // Before read-ahead: a length prefix and a body per frame, 16 reads for 8 frames.
        assertThat(counted.reads).as("raw reads for 8 maximal frames").isLessThanOrEqualTo(9);
        assertThat(in.holdsBuffer()).isFalse();
    }

    @Property(tries = 30)
    void framesArriveIntactWhateverTheRawReadsReturn(
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 140_000) Integer> writes,
            @ForAll @IntRange(min = 1, max = 140_000) int maxChunk,
            @ForAll @IntRange(min = 1, max = 70_000) int readSize,
            @ForAll long seed)
            throws IOException {
        Random random = new Random(seed);
        byte[] key = randomKey();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        NoiseOutputStream writer = new NoiseOutputStream(channel, new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        for (int size : writes) {
            byte[] chunk = new byte[size];
            random.nextBytes(chunk);
            writer.write(chunk);
            sent.write(chunk);
            writer.flush(); // frames of every size, so their boundaries fall anywhere in the read buffer
        }
        InputStream trickle = new TrickleInputStream(channel.toByteArray(), maxChunk, random);
        NoiseInputStream in = new NoiseInputStream(trickle, new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            received.write(buffer, 0, n);
        }
        assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
        assertThat(in.holdsBuffer()).isFalse();
    }

    /** Returns at most {@code maxChunk} (and at least one) bytes per read, like a socket under load. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] bytes;
        private final int maxChunk;
        private final Random random;
        private int position;

        TrickleInputStream(byte[] bytes, int maxChunk, Random random) {
            this.bytes = bytes;
            this.maxChunk = maxChunk;
            this.random = random;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, bytes.length - position), 1 + random.nextInt(maxChunk));
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }

    private static final class CountingInputStream extends FilterInputStream {
        int reads;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            reads++;
            return super.read(b, off, len);
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        int writes;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes++;
            out.write(b, off, len);
        }
    }

    @Test
    void largeWritesAreCutIntoFramesOfAtMost65535Bytes() throws IOException {
        byte[] data = new byte[3 * NoiseOutputStream.MAX_PLAINTEXT + 7];
        new Random(1).nextBytes(data);
        out.write(data);
        out.flush();
        assertThat(frameLengths(wire.toByteArray())).containsExactly(65535, 65535, 65535, 7 + 16);
        NoiseInputStream in = reader(wire.toByteArray(), 0);
        assertThat(in.readAllBytes()).isEqualTo(data);
        assertThat(in.holdsBuffer())
                .as("a drained reader holds no frame buffer")
                .isFalse();
    }

    @Test
    void aReaderHoldsABufferOnlyWhilePlaintextIsUnread() throws IOException {
        out.write(new byte[1000]);
        out.flush();
        NoiseInputStream in = reader(wire.toByteArray(), 0);
        assertThat(in.read(new byte[10])).isEqualTo(10);
        assertThat(in.holdsBuffer()).isTrue();
        assertThat(in.available()).isEqualTo(990);
        assertThat(in.readNBytes(990)).hasSize(990);
        assertThat(in.holdsBuffer()).isFalse();
        assertThat(in.read()).isEqualTo(-1);
    }

    @Property(tries = 50)
    void anySequenceOfWritesAndFlushesArrivesIntact(
            @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 150_000) Integer> writes,
            @ForAll @IntRange(min = 1, max = 70_000) int readSize,
            @ForAll long seed)
            throws IOException {
        Random random = new Random(seed);
        byte[] key = randomKey();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        NoiseOutputStream writer = new NoiseOutputStream(channel, new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        for (int size : writes) {
            byte[] chunk = new byte[size];
            random.nextBytes(chunk);
            if (size == 1) {
                writer.write(chunk[0]);
            } else {
                writer.write(chunk);
            }
            sent.write(chunk);
            if (random.nextBoolean()) {
                writer.flush();
            }
        }
        writer.flush();
        assertThat(frameLengths(channel.toByteArray()))
                .allSatisfy(length -> assertThat(length).isBetween(16, 65535));
        NoiseInputStream in = new NoiseInputStream(
                new ByteArrayInputStream(channel.toByteArray()), new NoiseCipherState(AEAD, key, 0), pool, () -> {});
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            assertThat(n).isPositive();
            received.write(buffer, 0, n);
        }
        assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
    }

    @Test
    void theSendCounterStopsBeforeTheReservedNonceAndEndsTheSession() throws IOException {
        NoiseOutputStream nearTheEnd =
                new NoiseOutputStream(wire, new NoiseCipherState(AEAD, key, -2L), pool, sessionsEnded::incrementAndGet);
        nearTheEnd.write(1);
        nearTheEnd.flush(); // uses nonce 2^64-2, the last one
        nearTheEnd.write(2);
        assertThatThrownBy(nearTheEnd::flush).isInstanceOf(IOException.class).hasMessageContaining("counter exhausted");
        assertThat(sessionsEnded).hasValue(1);
        assertThatThrownBy(() -> nearTheEnd.write(3)).hasMessageContaining("failed earlier");
        assertThat(frameLengths(wire.toByteArray())).containsExactly(17);
    }

    @Test
    void theReceiveCounterStopsBeforeTheReservedNonce() throws IOException {
        NoiseOutputStream sender = new NoiseOutputStream(wire, new NoiseCipherState(AEAD, key, -2L), pool, () -> {});
        sender.write(7);
        sender.flush();
        byte[] frames = wire.toByteArray();
        byte[] twice = new byte[2 * frames.length];
        System.arraycopy(frames, 0, twice, 0, frames.length);
        System.arraycopy(frames, 0, twice, frames.length, frames.length);
        NoiseInputStream in = reader(twice, -2L);
        assertThat(in.read()).isEqualTo(7);
        assertThatThrownBy(in::read)
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("2^64-1");
        assertThat(sessionsEnded).hasValue(1);
    }

    @Test
    void theNonceIsALittleEndianCounterAfterFourZeroBytes() {
        byte[] iv = ChaChaPoly.nonce(0x0102030405060708L).getIV();
        assertThat(iv).containsExactly(0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1);
    }
}
