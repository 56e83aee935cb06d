package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class YamuxReceiveBufferTest {
    @Property(tries = 200)
    void returnsBytesInOrderWhateverThePieceAndReadSizes(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3000) int maxPiece,
            @ForAll @IntRange(min = 1, max = 5000) int maxRead) {
        Random random = new Random(seed);
        YamuxReceiveBuffer buffer = new YamuxReceiveBuffer();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (int round = 0; round < 50; round++) {
            byte[] piece = new byte[random.nextInt(maxPiece) + 1];
            random.nextBytes(piece);
            written.writeBytes(piece);
            buffer.append(piece.clone());
            if (random.nextBoolean()) {
                byte[] out = new byte[random.nextInt(maxRead) + 1];
                int n = buffer.read(out, 0, out.length);
                read.write(out, 0, n);
            }
        }
        byte[] rest = new byte[(int) buffer.size()];
        assertThat(buffer.read(rest, 0, rest.length)).isEqualTo(rest.length);
        read.writeBytes(rest);
        assertThat(read.toByteArray()).isEqualTo(written.toByteArray());
        assertThat(buffer.size()).isZero();
    }

    @Property(tries = 20)
    void tinyPiecesArePackedSoOverheadStaysSmall(@ForAll @IntRange(min = 1, max = 16) int pieceSize) {
        YamuxReceiveBuffer buffer = new YamuxReceiveBuffer();
        for (int i = 0; i < 10_000; i++) {
            buffer.append(new byte[pieceSize]);
        }
        assertThat(buffer.size()).isEqualTo(10_000L * pieceSize);
        // Packed into 1 KiB chunks: at most one partly filled chunk per 1 KiB of data (plus one).
        byte[] all = new byte[10_000 * pieceSize];
        assertThat(buffer.read(all, 0, all.length)).isEqualTo(all.length);
    }
}
