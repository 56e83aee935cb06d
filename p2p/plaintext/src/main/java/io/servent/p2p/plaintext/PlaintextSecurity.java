package io.servent.p2p.plaintext;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PeerIdMismatchException;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.SecurityProtocol;
import io.servent.p2p.plaintext.proto.PlaintextProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code /plaintext/2.0.0}: each side sends its PeerId and public key, checks the other's, and the
 * connection carries bytes as they are. The key is not proven (nothing is signed), so a peer can
 * claim any identity: use only where every peer is trusted, as in the simulator. Thread-safe.
 */
public final class PlaintextSecurity implements SecurityProtocol {
    public static final String PROTOCOL_ID = "/plaintext/2.0.0";
    static final int MAX_EXCHANGE_SIZE = 4096;

    private final Duration timeout;

    public PlaintextSecurity() {
        this(Duration.ofSeconds(10));
    }

    public PlaintextSecurity(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public SecureConnection secureOutbound(RawConnection raw, PrivateKey localKey, Optional<PeerId> expected)
            throws IOException {
        PublicKey remote = exchange(raw, localKey);
        PeerId remotePeer = remote.peerId();
        if (expected.isPresent() && !expected.get().equals(remotePeer)) {
            throw new PeerIdMismatchException(expected.get(), remotePeer);
        }
        return new PlaintextConnection(raw, localKey.publicKey().peerId(), remote, remotePeer);
    }

    @Override
    public SecureConnection secureInbound(RawConnection raw, PrivateKey localKey) throws IOException {
        PublicKey remote = exchange(raw, localKey);
        return new PlaintextConnection(raw, localKey.publicKey().peerId(), remote, remote.peerId());
    }

    private PublicKey exchange(RawConnection raw, PrivateKey localKey) throws IOException {
        PublicKey local = localKey.publicKey();
        PlaintextProto.Exchange mine = PlaintextProto.Exchange.newBuilder()
                .setId(ByteString.copyFrom(local.peerId().bytes()))
                .setPubkey(ByteString.copyFrom(local.marshal()))
                .build();
        LengthPrefixed.write(raw.out(), mine.toByteArray());
        raw.out().flush();
        raw.setReadTimeout(timeout);
        PlaintextProto.Exchange theirs;
        try {
            theirs = PlaintextProto.Exchange.parseFrom(LengthPrefixed.readRequired(raw.in(), MAX_EXCHANGE_SIZE));
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed plaintext exchange: " + e.getMessage(), e);
        }
        raw.setReadTimeout(Duration.ZERO);
        try {
            PublicKey key = PublicKey.unmarshal(theirs.getPubkey().toByteArray());
            PeerId claimed = PeerId.fromBytes(theirs.getId().toByteArray());
            if (!claimed.matches(key)) {
                throw new ProtocolViolationException(
                        "plaintext exchange: PeerId " + claimed + " does not match its key");
            }
            return key;
        } catch (MultiformatException e) {
            throw new ProtocolViolationException("plaintext exchange: " + e.getMessage(), e);
        }
    }

    /** The raw connection, labelled with the exchanged identities. */
    private record PlaintextConnection(
            RawConnection raw, PeerId localPeer, PublicKey remotePublicKey, PeerId remotePeer)
            implements SecureConnection {
        @Override
        public String securityProtocol() {
            return PROTOCOL_ID;
        }

        @Override
        public InputStream in() {
            return raw.in();
        }

        @Override
        public OutputStream out() {
            return raw.out();
        }

        @Override
        public Multiaddr localAddress() {
            return raw.localAddress();
        }

        @Override
        public Multiaddr remoteAddress() {
            return raw.remoteAddress();
        }

        @Override
        public void setReadTimeout(Duration timeout) throws IOException {
            raw.setReadTimeout(timeout);
        }

        @Override
        public void closeWrite() throws IOException {
            raw.closeWrite();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }
}
