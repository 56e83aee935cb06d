package io.servent.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Timeout;

/** Properties over finite in-memory input, so every try ends (jqwik runs outside Jupiter's timeouts). */
@Timeout(60)
class MultistreamPropertyTest {
    @Provide
    Arbitrary<String> protocolIds() {
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(340).filter(Multistream::isProposable);
    }

    @Property
    void everyProposableIdSurvivesTheFramingExactly(@ForAll("protocolIds") String id) throws IOException {
        byte[] trailer = {1, 2, 3};
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(MultistreamMessage.encode(id));
        wire.writeBytes(trailer);
        ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());

        assertThat(MultistreamMessage.read(in, "a test message")).isEqualTo(id);
        assertThat(in.readAllBytes()).containsExactly(trailer);
    }

    @Property
    void aListenerFedGarbageFailsOnlyWithIOException(@ForAll @Size(max = 2048) byte[] garbage) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(MultistreamMessage.encode(Multistream.PROTOCOL_ID));
        wire.writeBytes(garbage);
        try {
            String chosen = Multistream.handle(
                    new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream(), Set.of("/noise"));
            assertThat(chosen).isEqualTo("/noise");
        } catch (IOException expected) {
            assertThat(expected).hasMessageNotContaining("Index");
        }
    }

    @Property
    void aDialerFedGarbageFailsOnlyWithIOException(@ForAll @Size(max = 2048) byte[] garbage) {
        try {
            String chosen = Multistream.select(
                    new ByteArrayInputStream(garbage), new ByteArrayOutputStream(), List.of("/noise", "/tls/1.0.0"));
            assertThat(chosen).isIn("/noise", "/tls/1.0.0");
        } catch (IOException expected) {
            assertThat(expected).hasMessageNotContaining("Index");
        }
    }
}
