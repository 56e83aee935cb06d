package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerIdTest {
    @Test
    void ed25519PeerIdsInlineTheKeyAndRoundTrip() {
        Ed25519PrivateKey key = Ed25519PrivateKey.generate();
        PeerId id = key.publicKey().peerId();

        assertThat(id.toString()).startsWith("12D3KooW");
        assertThat(PeerId.parse(id.toString())).isEqualTo(id);
        assertThat(id.publicKey()).contains(key.publicKey());
        assertThat(PeerId.parse(id.toCid().toString())).isEqualTo(id);
    }

    @Test
    void privateKeyRoundTripsThroughTheProtobuf() {
        Ed25519PrivateKey key = Ed25519PrivateKey.generate();
        PrivateKey back = PrivateKey.unmarshal(key.marshal());

        assertThat(back.publicKey()).isEqualTo(key.publicKey());
        byte[] signature = back.sign("hello".getBytes());
        assertThat(key.publicKey().verify("hello".getBytes(), signature)).isTrue();
        assertThat(key.publicKey().verify("hellO".getBytes(), signature)).isFalse();
    }
}
