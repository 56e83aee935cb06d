package io.servent.bench;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain Java sockets between two JVMs, the reference for what the JDK's blocking socket streams can
 * move on this machine with the 64 KiB writes servent uses.
 *
 * <ul>
 *   <li>{@code server}: prints {@code {"port":…}}, accepts one connection and, for each request (an
 *       8-byte length then that many bytes), reads it all and answers one byte.
 *   <li>{@code client PORT}: for each command {@code send BYTES} on stdin, sends a request and prints
 *       {@code {"bytes":…,"seconds":…}}, timed until the server's answer.
 * </ul>
 */
public final class SocketBench {
    private static final int CHUNK = 64 * 1024;

    private SocketBench() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("server")) {
            server();
        } else if (args.length == 2 && args[0].equals("client")) {
            client(Integer.parseInt(args[1]));
        } else {
            System.err.println("usage: SocketBench server | client PORT");
            System.exit(2);
        }
    }

    private static void server() throws IOException {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            BenchJson.print(Map.of("port", listener.getLocalPort()));
            try (Socket socket = listener.accept()) {
                socket.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[CHUNK];
                while (true) {
                    long left;
                    try {
                        left = in.readLong();
                    } catch (java.io.EOFException e) {
                        return;
                    }
                    while (left > 0) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new IOException("client left with " + left + " bytes to go");
                        }
                        left -= n;
                    }
                    out.write(1);
                    out.flush();
                }
            }
        }
    }

    private static void client(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[CHUNK];
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            BenchJson.print(Map.of("event", "ready"));
            String line;
            while ((line = commands.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                if (!words[0].equals("send")) {
                    return;
                }
                long bytes = Long.parseLong(words[1]);
                long start = System.nanoTime();
                out.writeLong(bytes);
                long left = bytes;
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    out.write(chunk, 0, n);
                    left -= n;
                }
                out.flush();
                if (in.read() != 1) {
                    throw new IOException("the server did not confirm");
                }
                long end = System.nanoTime();
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("bytes", bytes);
                result.put("seconds", (end - start) / 1e9);
                BenchJson.print(result);
            }
        }
    }
}
