package io.servent.p2p.multistream;

import static io.servent.p2p.multistream.MultistreamTranscriptTest.HEADER;
import static io.servent.p2p.multistream.MultistreamTranscriptTest.NA;
import static io.servent.p2p.multistream.MultistreamTranscriptTest.NOISE;
import static io.servent.p2p.multistream.MultistreamTranscriptTest.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.ProtocolViolationException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MultistreamMalformedTest {
    private static AbstractThrowableAssert<?, ? extends Throwable> listenerReading(String... hex) {
        return assertThatThrownBy(() -> Multistream.handle(wire(hex), new ByteArrayOutputStream(), Set.of("/noise")));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> dialerReading(String... hex) {
        return assertThatThrownBy(() -> Multistream.select(wire(hex), new ByteArrayOutputStream(), List.of("/noise")));
    }

    private static String message(String text) {
        return HexFormat.of().formatHex(MultistreamMessage.encode(text));
    }

    @Test
    void aMessageWithoutItsNewlineIsAViolation() {
        listenerReading(HEADER, "036e6178") // "nax"
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("does not end with a newline");
    }

    @Test
    void anEmptyMessageIsAViolation() {
        listenerReading(HEADER, "00")
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void anOversizeLengthIsRefusedBeforeReadingTheBody() {
        listenerReading(HEADER, "8108") // 1025
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("1025 bytes exceeds the limit of 1024");
        // 2^62: allocating it would fail loudly; the check comes first.
        dialerReading("808080808080808040")
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds the limit");
    }

    @Test
    void aLengthPrefixThatNeverEndsIsAViolation() {
        listenerReading("80808080808080808001")
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("bad length prefix");
        listenerReading("8300") // 3, encoded non-minimally
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("minimal");
    }

    @Test
    void aWrongHeaderIsAViolationOnBothSides() {
        String v2 = message("/multistream/2.0.0");
        listenerReading(v2, NOISE)
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("expected the header /multistream/1.0.0, got '/multistream/2.0.0'");
        dialerReading(NOISE, NOISE)
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("got '/noise'");
    }

    @Test
    void invalidUtf8IsAViolation() {
        listenerReading(HEADER, "04fffe2f0a")
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("not valid UTF-8");
        // An unpaired surrogate encoded in UTF-8 form (CESU) is not UTF-8 either.
        dialerReading(HEADER, "04eda0800a").isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void aProtocolIdLongerThan512CharactersIsAViolation() {
        listenerReading(HEADER, message("/" + "x".repeat(512)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("513 characters exceeds the limit of 512");
    }

    @Test
    void theStreamEndingMidwayIsAnEofWithContext() {
        listenerReading().isInstanceOf(EOFException.class).hasMessageContaining("/multistream/1.0.0 header");
        listenerReading("132f6d75").isInstanceOf(EOFException.class).hasMessageContaining("after 3 of 19");
        listenerReading(HEADER, "81").isInstanceOf(EOFException.class).hasMessageContaining("inside a length prefix");
        dialerReading(HEADER).isInstanceOf(EOFException.class).hasMessageContaining("the reply to /noise");
    }

    @Test
    void aListenerGivesUpAfterMaxProposals() throws IOException {
        StringBuilder proposals = new StringBuilder(HEADER);
        for (int i = 0; i <= Multistream.MAX_PROPOSALS; i++) {
            proposals.append(message("/unknown/" + i));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> Multistream.handle(wire(proposals.toString()), out, Set.of("/noise")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("32 messages without choosing")
                .hasMessageContaining("/unknown/31");
        assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo(HEADER + NA.repeat(32));
    }

    @Test
    void repeatedLsRequestsCountAsProposals() {
        listenerReading(HEADER, MultistreamTranscriptTest.LS.repeat(40))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("32 messages");
    }

    @Test
    void aListenerThatEndsAfterDecliningSaysWhatWasProposed() {
        listenerReading(HEADER, message("/tls/1.0.0"), message("/quic"))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("'/tls/1.0.0', '/quic'");
    }

    @Test
    void aReplyThatIsNeitherTheProposalNorNaIsAViolation() {
        dialerReading(HEADER, message("/yamux/1.0.0"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("expected '/noise' or 'na'")
                .hasMessageContaining("got '/yamux/1.0.0'");
        dialerReading(HEADER, MultistreamTranscriptTest.LS).isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void naToEveryProposalIsProtocolNotSupported() {
        assertThatThrownBy(() -> Multistream.select(
                        wire(HEADER, NA, NA), new ByteArrayOutputStream(), List.of("/tls/1.0.0", "/noise")))
                .isInstanceOfSatisfying(ProtocolNotSupportedException.class, e -> assertThat(e.offered())
                        .containsExactly("/tls/1.0.0", "/noise"));
    }

    @Test
    void controlCharactersAreEscapedInMessages() {
        listenerReading(message("/evil\u001b[31m"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("'/evil\\x1b[31m'");
    }

    @Test
    void theDialerRefusesProposalsItCouldNotSend() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (List<String> bad : List.of(
                List.<String>of(),
                List.of(""),
                List.of("na"),
                List.of("ls"),
                List.of(Multistream.PROTOCOL_ID),
                List.of("/a\nb"),
                List.of("/lone-surrogate-\ud800"),
                List.of("/" + "x".repeat(512)),
                List.of("/" + "中".repeat(341)), // 342 characters but 1024 bytes: too long framed
                java.util.Collections.nCopies(33, "/x"))) {
            assertThatThrownBy(() -> Multistream.select(wire(), out, bad))
                    .as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(out.size()).isZero();
        assertThat(Multistream.isProposable("/" + "中".repeat(340))).isTrue();
        assertThat("/中".getBytes(StandardCharsets.UTF_8)).hasSize(4);
    }
}
