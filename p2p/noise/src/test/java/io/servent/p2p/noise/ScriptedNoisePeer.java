package io.servent.p2p.noise;

import io.servent.p2p.api.RawConnection;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The other side of a Noise connection written by hand from raw bytes, so tests can send what a
 * well-behaved peer never would: forged signatures, extra payloads, bad lengths, tampered frames.
 */
final class ScriptedNoisePeer {
    static final ChaChaPoly AEAD = ChaChaPoly.select(List.of(NoiseCipherProvider.JDK));

    final RawConnection raw;
    final X25519KeyPair staticKey = X25519KeyPair.generate();
    final NoiseHandshake handshake;

    private ScriptedNoisePeer(RawConnection raw, boolean initiator) {
        this.raw = raw;
        this.handshake = initiator
                ? NoiseHandshake.initiator(staticKey, X25519KeyPair.generate(), new byte[0], AEAD)
                : NoiseHandshake.responder(staticKey, X25519KeyPair.generate(), new byte[0], AEAD);
    }

    static ScriptedNoisePeer initiator(RawConnection raw) {
        return new ScriptedNoisePeer(raw, true);
    }

    static ScriptedNoisePeer responder(RawConnection raw) {
        return new ScriptedNoisePeer(raw, false);
    }

    /** Writes the next handshake message with {@code payload}, framed. */
    void write(byte[] payload) throws IOException {
        writeFrame(raw.out(), handshake.writeMessage(payload));
    }

    /** Reads the next handshake message and returns its payload. */
    byte[] read() throws IOException {
        return handshake.readMessage(readFrame(raw.in()));
    }

    static void writeFrame(OutputStream out, byte[] message) throws IOException {
        byte[] frame = new byte[2 + message.length];
        frame[0] = (byte) (message.length >>> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        out.write(frame);
        out.flush();
    }

    static byte[] readFrame(InputStream in) throws IOException {
        int high = in.read();
        int low = in.read();
        if (high < 0 || low < 0) {
            throw new EOFException("no frame");
        }
        byte[] message = in.readNBytes((high << 8) | low);
        if (message.length != ((high << 8) | low)) {
            throw new EOFException("truncated frame");
        }
        return message;
    }
}
