package io.servent.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Byte-exact wire transcripts; the encodings of {@code na} and {@code ls} are the spec's own examples. */
@Timeout(30)
class MultistreamTranscriptTest {
    static final String HEADER = "132f6d756c746973747265616d2f312e302e300a"; // 0x13 "/multistream/1.0.0\n"
    static final String NA = "036e610a"; // the spec: 0x036e610a
    static final String LS = "036c730a"; // the spec: 0x036c730a
    static final String NOISE = "072f6e6f6973650a"; // 0x07 "/noise\n"
    static final String YAMUX = "0d2f79616d75782f312e302e300a"; // 0x0d "/yamux/1.0.0\n"
    static final String TLS = "0b2f746c732f312e302e300a"; // 0x0b "/tls/1.0.0\n"

    static ByteArrayInputStream wire(String... hex) {
        return new ByteArrayInputStream(HexFormat.of().parseHex(String.join("", hex)));
    }

    static String hex(ByteArrayOutputStream out) {
        return HexFormat.of().formatHex(out.toByteArray());
    }

    /** Records what each flush sends, to check what leaves together. */
    static final class FlushRecorder extends OutputStream {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final List<String> flushes = new ArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            flushes.add(HexFormat.of().formatHex(pending.toByteArray()));
            pending.writeTo(all);
            pending.reset();
        }
    }

    @Test
    void dialerSendsHeaderAndFirstProposalInOneFlush() throws IOException {
        FlushRecorder out = new FlushRecorder();

        String selected = Multistream.select(wire(HEADER, NOISE), out, List.of("/noise"));

        assertThat(selected).isEqualTo("/noise");
        assertThat(out.flushes).containsExactly(HEADER + NOISE);
    }

    @Test
    void dialerProposesTheNextProtocolAfterNa() throws IOException {
        FlushRecorder out = new FlushRecorder();

        String selected = Multistream.select(wire(HEADER, NA, NOISE), out, List.of("/tls/1.0.0", "/noise"));

        assertThat(selected).isEqualTo("/noise");
        assertThat(out.flushes).containsExactly(HEADER + TLS, NOISE);
    }

    @Test
    void listenerSendsHeaderThenNaThenTheEcho() throws IOException {
        FlushRecorder out = new FlushRecorder();

        String chosen = Multistream.handle(wire(HEADER, TLS, NOISE), out, Set.of("/noise", "/yamux/1.0.0"));

        assertThat(chosen).isEqualTo("/noise");
        assertThat(out.flushes).containsExactly(HEADER, NA, NOISE);
    }

    @Test
    void listenerAnswersLsWithTheNestedListThatGoAndRustParse() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Set<String> supported = new LinkedHashSet<>(List.of("/noise", "/yamux/1.0.0"));

        String chosen = Multistream.handle(wire(HEADER, LS, YAMUX), out, supported);

        assertThat(chosen).isEqualTo("/yamux/1.0.0");
        // 0x17 = 23 bytes: each protocol as a message of its own, then the closing newline.
        assertThat(hex(out)).isEqualTo(HEADER + "17" + NOISE + YAMUX + "0a" + YAMUX);
    }

    @Test
    void lsRepliesStayWithinTheLimitOthersCanRead() throws IOException {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add("/servent/protocol-with-a-long-name-number-" + i + "/1.0.0");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multistream.handle(wire(HEADER, LS, NOISE), out, p -> p.equals("/noise"), many);

        byte[] bytes = out.toByteArray();
        int offset = HexFormat.of().parseHex(HEADER).length;
        long length = io.servent.p2p.api.Varint.decode(bytes, offset).value();
        assertThat(length).isBetween(16_000L, (long) Multistream.MAX_LIST_LENGTH);
    }

    @Test
    void longProtocolIdsTakeATwoByteLength() throws IOException {
        String longId = "/" + "a".repeat(199); // 200 characters + newline = 201 = 0xc9 0x01
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String echo = "c901" + HexFormat.of().formatHex((longId + "\n").getBytes(StandardCharsets.US_ASCII));

        assertThat(Multistream.select(wire(HEADER, echo), out, List.of(longId))).isEqualTo(longId);
        assertThat(hex(out)).isEqualTo(HEADER + echo);
    }

    @Test
    void listenerLeavesPipelinedProtocolBytesOnTheStream() throws IOException {
        // A dialer that pipelines header, proposal and its first protocol bytes in one write.
        ByteArrayInputStream in = wire(HEADER, NOISE, "0001deadbeef");

        assertThat(Multistream.handle(in, new ByteArrayOutputStream(), Set.of("/noise")))
                .isEqualTo("/noise");
        assertThat(HexFormat.of().formatHex(in.readAllBytes())).isEqualTo("0001deadbeef");
    }

    @Test
    void dialerLeavesTheListenersFirstProtocolBytesOnTheStream() throws IOException {
        ByteArrayInputStream in = wire(HEADER, NA, NOISE, "0a", "ffee");

        assertThat(Multistream.select(in, new ByteArrayOutputStream(), List.of("/tls/1.0.0", "/noise")))
                .isEqualTo("/noise");
        assertThat(HexFormat.of().formatHex(in.readAllBytes())).isEqualTo("0affee");
    }
}
