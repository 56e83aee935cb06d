package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.ProtocolViolationException;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class YamuxHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * Vectors: the first is js-libp2p-yamux's header test (Ping SYN, opaque 7); the others follow the
     * spec's layout (version, type, flags big-endian, stream id, length) as go-yamux's encode() writes it.
     */
    @ParameterizedTest
    @CsvSource({
        "2, 1, 0, 7, 000200010000000000000007",
        "0, 1, 1, 5, 000000010000000100000005",
        "1, 2, 2, 262144, 000100020000000200040000",
        "1, 8, 3, 0, 000100080000000300000000",
        "0, 5, 4294967295, 65536, 00000005ffffffff00010000",
        "3, 0, 0, 1, 000300000000000000000001",
        "2, 2, 0, 4294967295, 0002000200000000ffffffff",
        "1, 6, 7, 0, 000100060000000700000000",
    })
    void encodesAndDecodesKnownVectors(int type, int flags, long streamId, long length, String hex) throws Exception {
        YamuxHeader header = new YamuxHeader(type, flags, (int) streamId, (int) length);
        assertThat(HEX.formatHex(header.encode())).isEqualTo(hex);
        YamuxHeader decoded = YamuxHeader.decode(HEX.parseHex(hex), 0);
        assertThat(decoded).isEqualTo(header);
        assertThat(decoded.streamIdUnsigned()).isEqualTo(streamId);
        assertThat(decoded.lengthUnsigned()).isEqualTo(length);
    }

    @Test
    void flagsAndTypeNumbersAreTheSpecs() {
        assertThat(YamuxHeader.FLAG_SYN).isEqualTo(1);
        assertThat(YamuxHeader.FLAG_ACK).isEqualTo(2);
        assertThat(YamuxHeader.FLAG_FIN).isEqualTo(4);
        assertThat(YamuxHeader.FLAG_RST).isEqualTo(8);
        assertThat(YamuxHeader.TYPE_DATA).isZero();
        assertThat(YamuxHeader.TYPE_WINDOW_UPDATE).isEqualTo(1);
        assertThat(YamuxHeader.TYPE_PING).isEqualTo(2);
        assertThat(YamuxHeader.TYPE_GO_AWAY).isEqualTo(3);
        assertThat(YamuxHeader.INITIAL_WINDOW).isEqualTo(256 * 1024);
        assertThat(YamuxMuxer.PROTOCOL_ID).isEqualTo("/yamux/1.0.0");
    }

    @Test
    void theAllocationFreeEncoderMatchesTheRecord() {
        byte[] direct = new byte[12];
        YamuxHeader.encode(direct, YamuxHeader.TYPE_DATA, YamuxHeader.FLAG_ACK, 42, 65536);
        assertThat(direct)
                .isEqualTo(YamuxHeader.data(YamuxHeader.FLAG_ACK, 42, 65536).encode());
    }

    @Test
    void rejectsAnUnknownVersion() {
        assertThatThrownBy(() -> YamuxHeader.decode(HEX.parseHex("010000010000000100000005"), 0))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("unsupported version 1")
                .hasMessageContaining("010000010000000100000005");
    }

    @Test
    void rejectsAnUnknownType() {
        assertThatThrownBy(() -> YamuxHeader.decode(HEX.parseHex("000400000000000000000000"), 0))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("unknown type 4");
    }

    @Property
    void roundTripsEveryHeader(
            @ForAll @IntRange(min = 0, max = 3) int type,
            @ForAll @IntRange(min = 0, max = 0xFFFF) int flags,
            @ForAll int streamId,
            @ForAll int length)
            throws Exception {
        YamuxHeader header = new YamuxHeader(type, flags, streamId, length);
        byte[] bytes = new byte[14];
        header.encode(bytes, 2);
        assertThat(YamuxHeader.decode(bytes, 2)).isEqualTo(header);
    }
}
