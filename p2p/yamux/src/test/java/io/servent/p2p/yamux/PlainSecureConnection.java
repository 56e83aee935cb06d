package io.servent.p2p.yamux;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Test-only: a raw connection presented as a secure one, with fixed peer ids and no encryption. With
 * a buffer size it buffers both directions like the Noise layer does (frames leave on flush or when
 * the buffer fills); with 0 it passes bytes straight to the socket.
 */
final class PlainSecureConnection implements SecureConnection {
    private final RawConnection raw;
    private final PeerId local;
    private final PeerId remote;
    private final InputStream in;
    private final OutputStream out;

    PlainSecureConnection(RawConnection raw, PeerId local, PeerId remote, int bufferSize) {
        this.raw = raw;
        this.local = local;
        this.remote = remote;
        this.in = bufferSize > 0 ? new Buffered(raw.in(), bufferSize) : raw.in();
        this.out = bufferSize > 0 ? new BufferedOutputStream(raw.out(), bufferSize) : raw.out();
    }

    /**
     * Reads ahead like a decrypting stream: at most one socket read per call, and large reads go
     * straight to the caller. (BufferedInputStream asks the socket for available() bytes on every
     * read, a system call the real Noise layer does not make.)
     */
    private static final class Buffered extends InputStream {
        private final InputStream in;
        private final byte[] buffer;
        private int position;
        private int limit;

        Buffered(InputStream in, int size) {
            this.in = in;
            this.buffer = new byte[size];
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position == limit) {
                if (len >= buffer.length) {
                    return in.read(b, off, len);
                }
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) {
                    return -1;
                }
                position = 0;
                limit = n;
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Override
    public PeerId localPeer() {
        return local;
    }

    @Override
    public PeerId remotePeer() {
        return remote;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remote.publicKey().orElseThrow();
    }

    @Override
    public String securityProtocol() {
        return "/plaintext-for-tests";
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
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
        out.flush();
        raw.closeWrite();
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
