package io.servent.apps.files;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Stream;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Measures what the block size costs: hashing (UnixFsBuilder), storing (BlockStore: a file, fsync
 * and rename per block) and transferring (one block per request over a real TCP+Noise+Yamux stream on
 * loopback, stop-and-wait and with 8 requests in flight). Run: {@code java -cp … UnixFsBlockSizeBench
 * [MiB to hash] [MiB to store and transfer] [store dir]}.
 */
public final class UnixFsBlockSizeBench {
    private static final String PROTOCOL = "/servent/bench-blocks/1.0.0";

    public static void main(String[] args) throws Exception {
        int hashMiB = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int moveMiB = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Path storeRoot = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of("/tmp"), "blockbench");
        byte[] data = new byte[64 << 20];
        new Random(42).nextBytes(data);
        int[] sizes = {256 << 10, 512 << 10, 1 << 20};
        BasicHost server = host();
        BasicHost client = host();
        try {
            server.setStreamHandler(PROTOCOL, stream -> serveBlocks(stream, data));
            client.connect(server.listenAddresses().get(0).withPeerId(server.peerId()));
            // Warm up every path once.
            for (int size : sizes) {
                hash(data, size, 64);
                store(data, size, 16, storeRoot);
                transfer(client, server, data, size, 32, 1);
            }
            System.out.printf(
                    "%-9s %12s %12s %14s %14s%n", "block", "hash MB/s", "store MB/s", "xfer-1 MB/s", "xfer-8 MB/s");
            for (int round = 0; round < 2; round++) {
                for (int size : sizes) {
                    double h = hash(data, size, hashMiB);
                    double s = store(data, size, moveMiB, storeRoot);
                    double t1 = transfer(client, server, data, size, moveMiB, 1);
                    double t8 = transfer(client, server, data, size, moveMiB, 8);
                    System.out.printf("%-9s %12.0f %12.0f %14.0f %14.0f%n", (size >> 10) + " KiB", h, s, t1, t8);
                }
            }
        } finally {
            client.close();
            server.close();
            deleteTree(storeRoot);
        }
    }

    private static BasicHost host() throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))
                .build();
        host.start();
        return host;
    }

    /** MB/s building the DAG of {@code mib} MiB with this chunk size. */
    static double hash(byte[] data, int chunk, int mib) throws IOException {
        UnixFsBuilder builder = new UnixFsBuilder(new UnixFsLayout(chunk, UnixFs.MAX_LINKS), UnixFsBuilder.DISCARD);
        long start = System.nanoTime();
        long total = (long) mib << 20;
        for (long done = 0; done < total; done += data.length) {
            builder.write(data, 0, (int) Math.min(data.length, total - done));
        }
        builder.finish();
        return total / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    /** MB/s putting {@code mib} MiB of distinct blocks of this size into a fresh block store. */
    static double store(byte[] data, int size, int mib, Path root) throws IOException {
        Path dir = Files.createTempDirectory(root, "store");
        BlockStore store = BlockStore.open(dir, 0);
        int blocks = (int) (((long) mib << 20) / size);
        List<Block> list = new ArrayList<>(blocks);
        for (int i = 0; i < blocks; i++) {
            byte[] b = slice(data, size, i);
            b[0] = (byte) i;
            b[1] = (byte) (i >> 8);
            list.add(UnixFs.rawLeaf(b));
        }
        long start = System.nanoTime();
        for (Block block : list) {
            store.put(block);
        }
        double mbps = (long) blocks * size / 1e6 / ((System.nanoTime() - start) / 1e9);
        deleteTree(dir);
        return mbps;
    }

    /** MB/s fetching {@code mib} MiB as blocks of this size, {@code depth} requests in flight, verifying each. */
    static double transfer(BasicHost client, BasicHost server, byte[] data, int size, int mib, int depth)
            throws IOException {
        int blocks = (int) (((long) mib << 20) / size);
        int perBuffer = data.length / size;
        List<Block> expected = new ArrayList<>(perBuffer);
        for (int i = 0; i < perBuffer; i++) {
            expected.add(UnixFs.rawLeaf(slice(data, size, i)));
        }
        Stream stream = client.newStream(server.peerId(), PROTOCOL);
        DataOutputStream out = new DataOutputStream(stream.out());
        DataInputStream in = new DataInputStream(stream.in());
        long start = System.nanoTime();
        int sent = 0;
        for (int received = 0; received < blocks; received++) {
            while (sent < blocks && sent - received < depth) {
                out.writeInt(size);
                out.writeInt(sent % perBuffer);
                sent++;
            }
            out.flush();
            int length = in.readInt();
            byte[] block = new byte[length];
            in.readFully(block);
            Block.verify(expected.get(received % perBuffer).cid(), block);
        }
        double mbps = (long) blocks * size / 1e6 / ((System.nanoTime() - start) / 1e9);
        out.writeInt(0);
        out.flush();
        stream.close();
        return mbps;
    }

    private static void serveBlocks(Stream stream, byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(stream.in());
        OutputStream out = stream.out();
        byte[] header = new byte[4];
        while (true) {
            int size = in.readInt();
            if (size == 0) {
                break;
            }
            int index = in.readInt();
            int offset = index * size;
            header[0] = (byte) (size >>> 24);
            header[1] = (byte) (size >>> 16);
            header[2] = (byte) (size >>> 8);
            header[3] = (byte) size;
            out.write(header);
            out.write(data, offset, size);
            if (in.available() == 0) {
                out.flush();
            }
        }
        out.flush();
        stream.closeWrite();
    }

    private static byte[] slice(byte[] data, int size, int i) {
        int offset = (int) (((long) i * size) % data.length);
        return java.util.Arrays.copyOfRange(data, offset, offset + size);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private UnixFsBlockSizeBench() {}
}
