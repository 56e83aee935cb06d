package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DhtKeyTest {
    private final PeerId self = PeerId.random();
    private final PeerId other = PeerId.random();

    @Test
    void theShortFormNamesThisNodesRecord() throws Exception {
        DhtKey key = DhtKey.parse("/servent/photos/2024", self);
        assertThat(key.signed()).isTrue();
        assertThat(key.signer()).isEqualTo(self);
        assertThat(key.text()).isEqualTo("/servent/" + self + "/photos/2024");
        assertThat(new String(key.bytes(), StandardCharsets.UTF_8)).isEqualTo(key.text());
    }

    @Test
    void theLongFormNamesAnotherPeersRecord() throws Exception {
        DhtKey key = DhtKey.parse("/servent/" + other + "/status", self);
        assertThat(key.signer()).isEqualTo(other);
        assertThat(key.text()).isEqualTo("/servent/" + other + "/status");
        // A PeerId alone is a name of this node's, not another peer's record with no name.
        assertThat(DhtKey.parse("/servent/" + other, self).signer()).isEqualTo(self);
    }

    @Test
    void publicKeyKeysCarryThePeerIdBytes() throws Exception {
        DhtKey key = DhtKey.parse("/pk/" + other, self);
        assertThat(key.signed()).isFalse();
        byte[] id = other.bytes();
        assertThat(key.bytes()).hasSize(4 + id.length).startsWith("/pk/".getBytes(StandardCharsets.US_ASCII));
        assertThat(key.text()).isEqualTo("/pk/" + other);
    }

    @Test
    void otherKeysAreExplained() {
        for (String bad :
                new String[] {"/ipns/x", "servent/x", "/servent/", "/pk/notapeer", "/servent/" + "n".repeat(300)}) {
            assertThatThrownBy(() -> DhtKey.parse(bad, self))
                    .as(bad)
                    .isInstanceOf(NodeException.class)
                    .hasMessageContaining("keys are /servent/NAME")
                    .satisfies(e -> assertThat(((NodeException) e).kind()).isEqualTo(NodeException.Kind.BAD_INPUT));
        }
        assertThatThrownBy(() -> DhtKey.parse("/x".repeat(400), self)).hasMessageContaining("too long");
    }
}
