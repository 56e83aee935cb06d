package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers from the unsigned-varint spec (github.com/multiformats/unsigned-varint). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VarintTest {
    @ParameterizedTest(name = "{0} <-> {1}")
    @CsvSource({
        "1, 01",
        "127, 7f",
        "128, 8001",
        "255, ff01",
        "300, ac02",
        "16384, 808001",
        "0, 00",
        // The spec's practical maximum: 63 bits in 9 bytes.
        "9223372036854775807, ffffffffffffffff7f",
    })
    void specExamplesEncodeAndDecode(long value, String hex) throws IOException {
        byte[] encoded = Hex.bytes(hex);

        assertThat(Varint.encode(value)).isEqualTo(encoded);
        assertThat(Varint.encodedLength(value)).isEqualTo(encoded.length);
        assertThat(Varint.decode(encoded, 0)).isEqualTo(new Varint.Decoded(value, encoded.length));
        assertThat(Varint.read(new ByteArrayInputStream(encoded))).isEqualTo(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Varint.write(value, out);
        assertThat(out.toByteArray()).isEqualTo(encoded);
    }

    @Test
    void decodesAtAnOffsetAndStopsAtTheLastByte() {
        byte[] buffer = Hex.bytes("ffff ac02 ffff");

        assertThat(Varint.decode(buffer, 2)).isEqualTo(new Varint.Decoded(300, 2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "8100, the spec's own example: 0x81 0x00 is 1 but not minimal",
        "8000, zero written in two bytes",
        "ff8000, 127 with a needless continuation",
        "ffffffffffffffff8000, a needless byte after nine",
    })
    void rejectsNonMinimalEncodings(String hex, String why) {
        assertThatThrownBy(() -> Varint.decode(Hex.bytes(hex), 0))
                .as(why)
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining(hex.length() > 16 ? "longer than 9 bytes" : "not minimally encoded");
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(Hex.bytes(hex))))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void rejectsVarintsLongerThanNineBytes() {
        // 2^63 needs ten bytes; the spec caps varints at nine.
        byte[] tenBytes = Hex.bytes("80808080808080808001");

        assertThatThrownBy(() -> Varint.decode(tenBytes, 0))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("varint is longer than 9 bytes");
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(tenBytes)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessage("varint is longer than 9 bytes");
    }

    @Test
    void rejectsTruncatedInputAndBadOffsets() {
        assertThatThrownBy(() -> Varint.decode(Hex.bytes("8080"), 0))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("truncated varint: input ended after 2 bytes");
        assertThatThrownBy(() -> Varint.decode(new byte[0], 0))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("truncated varint: input ended after 0 bytes");
        assertThatThrownBy(() -> Varint.decode(new byte[2], 3)).isInstanceOf(MultiformatException.class);
        assertThatThrownBy(() -> Varint.decode(new byte[2], -1)).isInstanceOf(MultiformatException.class);
    }

    @Test
    void streamReadsDistinguishACleanEndFromATruncatedVarint() {
        assertThat(readQuietly(new byte[0])).isEqualTo(-1);
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(Hex.bytes("80"))))
                .isInstanceOf(EOFException.class)
                .hasMessage("stream ended inside a varint after 1 bytes");
    }

    @Test
    void refusesToEncodeNegativeNumbers() {
        assertThatThrownBy(() -> Varint.encode(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long readQuietly(byte[] bytes) {
        try {
            return Varint.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
