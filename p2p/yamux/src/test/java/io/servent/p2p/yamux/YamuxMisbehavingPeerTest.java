package io.servent.p2p.yamux;

import static io.servent.p2p.yamux.YamuxHeader.FLAG_ACK;
import static io.servent.p2p.yamux.YamuxHeader.FLAG_FIN;
import static io.servent.p2p.yamux.YamuxHeader.FLAG_RST;
import static io.servent.p2p.yamux.YamuxHeader.FLAG_SYN;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.ProtocolViolationException;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scripted peer writes frames by hand against a real Yamux responder: every violation must end
 * the connection with a clear reason (and a GoAway(protocol error) where the stream is still
 * framed), and nothing may hang.
 */
@Timeout(60)
class YamuxMisbehavingPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HexFormat HEX = HexFormat.of();

    private @Nullable RawPeer peer;

    private RawPeer connect(YamuxConfig config) throws Exception {
        peer = RawPeer.connect(config);
        return peer;
    }

    private RawPeer connect() throws Exception {
        return connect(YamuxConfig.defaults());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (peer != null) {
            peer.close();
        }
    }

    /** The responder sends GoAway(protocol error), closes, and reports a violation containing {@code reason}. */
    private void assertClosedForViolation(RawPeer peer, String reason) throws Exception {
        assertThat(peer.readUntilGoAway()).isEqualTo(YamuxHeader.GO_AWAY_PROTOCOL_ERROR);
        peer.readUntilEnd();
        assertViolationReported(peer, reason);
    }

    private static void assertViolationReported(RawPeer peer, String reason) throws Exception {
        Optional<Throwable> cause = peer.events.awaitClose(WAIT);
        assertThat(cause).get().isInstanceOf(ProtocolViolationException.class);
        assertThat(cause.get()).hasMessageContaining(reason);
        assertThat(peer.server.isOpen()).isFalse();
        assertThat(peer.events.closeCalls.get()).isEqualTo(1);
        Await.until("the responder's threads to end", WAIT, () -> YamuxConnectionTest.threadsEnded(peer.server));
    }

    @Test
    void theResponderPingsFirstAndAnswersPingsByteForByte() throws Exception {
        RawPeer peer = connect();
        RawPeer.Frame first = peer.expect();
        // Our RTT probe: Ping, SYN, stream 0, opaque 0.
        assertThat(HEX.formatHex(first.bytes())).isEqualTo("000200010000000000000000");
        peer.send(YamuxHeader.ping(FLAG_SYN, 0x01020304));
        RawPeer.Frame pong = peer.expect();
        assertThat(HEX.formatHex(pong.bytes())).isEqualTo("000200020000000001020304");
        assertThat(peer.server.isOpen()).isTrue();
    }

    @Test
    void dataBeyondTheReceiveWindow() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.windowUpdate(FLAG_SYN, 1, 0));
        // 256 KiB + 1: the header alone is enough, nothing is allocated or read for it.
        peer.send(YamuxHeader.data(0, 1, 256 * 1024 + 1));
        assertClosedForViolation(peer, "beyond the 262144 bytes of window");
    }

    @Test
    void dataBeyondTheWindowAcrossFrames() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.data(FLAG_SYN, 1, 200 * 1024), new byte[200 * 1024]);
        peer.send(YamuxHeader.data(0, 1, 100 * 1024), new byte[100 * 1024]);
        assertClosedForViolation(peer, "beyond the 57344 bytes of window");
    }

    @Test
    void anUnknownVersion() throws Exception {
        RawPeer peer = connect();
        peer.sendRaw(HEX.parseHex("010000010000000100000000"));
        assertClosedForViolation(peer, "unsupported version 1");
    }

    @Test
    void anUnknownFrameType() throws Exception {
        RawPeer peer = connect();
        peer.sendRaw(HEX.parseHex("000900000000000000000000"));
        assertClosedForViolation(peer, "unknown type 9");
    }

    @Test
    void garbageBytes() throws Exception {
        RawPeer peer = connect();
        peer.sendRaw("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(US_ASCII));
        assertClosedForViolation(peer, "unsupported version 71");
    }

    @Test
    void aTruncatedHeaderThenEndOfStream() throws Exception {
        RawPeer peer = connect();
        peer.sendRaw(new byte[] {0, 0, 0, 1, 0});
        peer.endOutput();
        assertViolationReported(peer, "inside a yamux frame header (5 of 12 bytes)");
    }

    @Test
    void aTruncatedPayloadThenEndOfStream() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.data(FLAG_SYN, 1, 100));
        peer.sendRaw(new byte[10]);
        peer.endOutput();
        assertViolationReported(peer, "inside the payload");
    }

    @Test
    void aStreamOpenFlood() throws Exception {
        RawPeer peer = connect(YamuxConfig.defaults().withMaxStreams(4).withMaxStreamRefusals(8));
        for (int id = 1; id < 2 * 100; id += 2) {
            peer.send(YamuxHeader.windowUpdate(FLAG_SYN, id, 0));
        }
        int resets = 0;
        long code = -1;
        RawPeer.Frame frame;
        while ((frame = peer.readSkippingPings()) != null) {
            if (frame.header().type() == YamuxHeader.TYPE_GO_AWAY) {
                code = frame.header().lengthUnsigned();
                break;
            }
            assertThat(frame.header().has(FLAG_RST))
                    .as("frame %s", frame.header())
                    .isTrue();
            assertThat(frame.header().streamIdUnsigned()).isGreaterThanOrEqualTo(9);
            resets++;
        }
        assertThat(code).isEqualTo(YamuxHeader.GO_AWAY_PROTOCOL_ERROR);
        assertThat(resets).isBetween(8, 9);
        assertThat(peer.events.inbound).hasSize(4);
        peer.readUntilEnd();
        assertViolationReported(peer, "beyond the limit of 4");
    }

    @Test
    void aFrameForAStreamThatWasNeverOpened() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.data(0, 5, 3), new byte[3]);
        assertClosedForViolation(peer, "never opened");
    }

    @Test
    void aStreamIdOfTheWrongParity() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.windowUpdate(FLAG_SYN, 2, 0));
        assertClosedForViolation(peer, "our parity");
    }

    @Test
    void aDuplicateSyn() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.windowUpdate(FLAG_SYN, 1, 0));
        peer.send(YamuxHeader.windowUpdate(FLAG_SYN, 1, 0));
        assertClosedForViolation(peer, "twice");
    }

    @Test
    void aWindowUpdateThatOverflows() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.windowUpdate(FLAG_SYN, 1, -1));
        assertClosedForViolation(peer, "overflows");
    }

    @Test
    void dataAfterFin() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.windowUpdate(FLAG_SYN | FLAG_FIN, 1, 0));
        peer.send(YamuxHeader.data(0, 1, 1), new byte[1]);
        assertClosedForViolation(peer, "after its FIN");
    }

    @Test
    void framesForAStreamThatWasResetAreDropped() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.data(FLAG_SYN, 1, 2), new byte[2]);
        MuxedStream stream = peer.events.accept();
        stream.reset();
        RawPeer.Frame reset = peer.expectSkippingPings();
        assertThat(HEX.formatHex(reset.bytes())).isEqualTo("000100080000000100000000");
        // In flight before the peer saw the reset: dropped, the connection lives on.
        peer.send(YamuxHeader.data(0, 1, 1000), new byte[1000]);
        peer.send(YamuxHeader.windowUpdate(0, 1, 5));
        peer.send(YamuxHeader.ping(FLAG_SYN, 9));
        RawPeer.Frame pong = peer.expectSkippingPings();
        assertThat(pong.header()).isEqualTo(YamuxHeader.ping(FLAG_ACK, 9));
        assertThat(peer.server.isOpen()).isTrue();
    }

    @Test
    void aGoAwayStopsNewStreamsWhileExistingOnesFinish() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.data(FLAG_SYN, 1, 5), "hello".getBytes(US_ASCII));
        MuxedStream stream = peer.events.accept();
        peer.send(YamuxHeader.goAway(YamuxHeader.GO_AWAY_NORMAL));
        Await.until("the GoAway to be seen", WAIT, () -> {
            try {
                peer.server.openStream().reset();
                return false;
            } catch (IOException e) {
                return String.valueOf(e.getMessage()).contains("GoAway");
            }
        });
        assertThat(peer.server.isOpen()).isTrue();
        // The existing stream still works both ways.
        assertThat(stream.in().readNBytes(5)).isEqualTo("hello".getBytes(US_ASCII));
        stream.out().write("bye".getBytes(US_ASCII));
        stream.closeWrite();
        RawPeer.Frame data = peer.expectSkippingPings();
        assertThat(data.header()).isEqualTo(YamuxHeader.data(FLAG_ACK, 1, 3));
        RawPeer.Frame fin = peer.expectSkippingPings();
        assertThat(fin.header().has(FLAG_FIN)).isTrue();
        // When the last stream ends, the connection closes in order.
        peer.send(YamuxHeader.windowUpdate(FLAG_FIN, 1, 0));
        assertThat(peer.events.awaitClose(WAIT)).isEmpty();
        peer.readUntilEnd();
    }

    @Test
    void aGoAwayWithAnErrorClosesAtOnce() throws Exception {
        RawPeer peer = connect();
        peer.send(YamuxHeader.data(FLAG_SYN, 1, 1), new byte[1]);
        MuxedStream stream = peer.events.accept();
        peer.send(YamuxHeader.goAway(YamuxHeader.GO_AWAY_PROTOCOL_ERROR));
        Optional<Throwable> cause = peer.events.awaitClose(WAIT);
        assertThat(cause).get().isInstanceOf(IOException.class);
        assertThat(cause.get()).hasMessageContaining("GoAway (protocol error)");
        assertThatThrownBy(() -> stream.in().readNBytes(2)).isInstanceOf(IOException.class);
    }

    @Test
    void aPeerThatFloodsPingsWithoutReadingIsBounded() throws Exception {
        RawPeer peer = connect();
        byte[] pings = new byte[12 * 20_000];
        for (int i = 0; i < 20_000; i++) {
            YamuxHeader.ping(FLAG_SYN, i).encode(pings, 12 * i);
        }
        peer.sendRaw(pings);
        // The responder stays up and answers what it can; dropped pongs are fine.
        peer.send(YamuxHeader.windowUpdate(FLAG_SYN, 1, 0));
        assertThat(peer.events.accept().id()).isEqualTo(1);
        assertThat(peer.server.isOpen()).isTrue();
    }
}
