package io.servent.p2p.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Seeded bulk data for transfer tests: writes and reads in uneven chunks, and digests both ends. */
final class Transfers {
    private Transfers() {}

    /** Writes {@code total} seeded random bytes in chunks of 1 byte to 100 KiB; returns their SHA-256. */
    static String writeRandom(OutputStream out, long total, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest digest = sha256();
        byte[] chunk = new byte[100 * 1024];
        long sent = 0;
        while (sent < total) {
            int n = (int) Math.min(total - sent, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            digest.update(chunk, 0, n);
            out.write(chunk, 0, n);
            sent += n;
        }
        out.flush();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Reads to end-of-stream in uneven reads; returns the SHA-256 and the byte count. */
    static Digest readAll(InputStream in, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest digest = sha256();
        byte[] buffer = new byte[96 * 1024];
        long count = 0;
        while (true) {
            int n = in.read(buffer, 0, 1 + random.nextInt(buffer.length));
            if (n < 0) {
                return new Digest(HexFormat.of().formatHex(digest.digest()), count);
            }
            digest.update(buffer, 0, n);
            count += n;
        }
    }

    /** Reads exactly {@code total} bytes in uneven reads; returns their SHA-256. */
    static String readExactly(InputStream in, long total, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest digest = sha256();
        byte[] buffer = new byte[96 * 1024];
        long count = 0;
        while (count < total) {
            int n = in.read(buffer, 0, (int) Math.min(total - count, 1 + random.nextInt(buffer.length)));
            if (n < 0) {
                throw new java.io.EOFException("stream ended after " + count + " of " + total + " bytes");
            }
            digest.update(buffer, 0, n);
            count += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    record Digest(String sha256, long bytes) {}

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
