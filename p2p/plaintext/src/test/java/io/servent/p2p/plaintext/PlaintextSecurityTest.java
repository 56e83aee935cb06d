package io.servent.p2p.plaintext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PeerIdMismatchException;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.TransportListener;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PlaintextSecurityTest {
    private final MemoryTransport transport = new MemoryTransport(new MemoryNetwork());
    private final PlaintextSecurity security = new PlaintextSecurity(Duration.ofSeconds(2));
    private final Ed25519PrivateKey dialerKey = Ed25519PrivateKey.generate();
    private final Ed25519PrivateKey listenerKey = Ed25519PrivateKey.generate();

    @AfterEach
    void close() {
        transport.close();
    }

    @Test
    void exchangesIdentitiesAndPassesBytesThrough() throws Exception {
        try (TransportListener listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            CompletableFuture<SecureConnection> inbound = CompletableFuture.supplyAsync(() -> {
                try {
                    return security.secureInbound(listener.accept(), listenerKey);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            RawConnection raw = transport.dial(listener.address(), Duration.ofSeconds(2));
            try (SecureConnection out = security.secureOutbound(
                            raw, dialerKey, Optional.of(listenerKey.publicKey().peerId()));
                    SecureConnection in = inbound.get(5, TimeUnit.SECONDS)) {
                assertThat(out.remotePeer()).isEqualTo(listenerKey.publicKey().peerId());
                assertThat(in.remotePeer()).isEqualTo(dialerKey.publicKey().peerId());
                out.out().write("hi".getBytes());
                out.out().flush();
                assertThat(in.in().readNBytes(2)).isEqualTo("hi".getBytes());
            }
        }
    }

    @Test
    void dialingTheWrongPeerFails() throws Exception {
        try (TransportListener listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            CompletableFuture.runAsync(() -> {
                try {
                    security.secureInbound(listener.accept(), listenerKey);
                } catch (Exception ignored) {
                    // the dialer hangs up
                }
            });
            RawConnection raw = transport.dial(listener.address(), Duration.ofSeconds(2));
            assertThatThrownBy(() -> security.secureOutbound(raw, dialerKey, Optional.of(PeerId.random())))
                    .isInstanceOf(PeerIdMismatchException.class);
        }
    }

    @Test
    void anIdThatDoesNotMatchItsKeyIsRejected() throws Exception {
        try (TransportListener listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            CompletableFuture.runAsync(() -> {
                try (RawConnection liar = listener.accept()) {
                    var lie = io.servent.p2p.plaintext.proto.PlaintextProto.Exchange.newBuilder()
                            .setId(com.google.protobuf.ByteString.copyFrom(
                                    PeerId.random().bytes()))
                            .setPubkey(com.google.protobuf.ByteString.copyFrom(
                                    listenerKey.publicKey().marshal()))
                            .build();
                    LengthPrefixed.write(liar.out(), lie.toByteArray());
                    liar.out().flush();
                    liar.in().readAllBytes();
                } catch (Exception ignored) {
                    // closed by the test
                }
            });
            RawConnection raw = transport.dial(listener.address(), Duration.ofSeconds(2));
            assertThatThrownBy(() -> security.secureOutbound(raw, dialerKey, Optional.empty()))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("does not match its key");
            raw.close();
        }
    }
}
