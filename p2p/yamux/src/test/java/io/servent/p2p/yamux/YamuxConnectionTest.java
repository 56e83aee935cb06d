package io.servent.p2p.yamux;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.api.StreamResetException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class YamuxConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<YamuxPair> pairs = new ArrayList<>();

    @AfterEach
    void tearDown() {
        pairs.forEach(YamuxPair::close);
        threads.shutdownNow();
    }

    private YamuxPair pair() throws Exception {
        return pair(YamuxConfig.defaults(), YamuxConfig.defaults());
    }

    private YamuxPair pair(YamuxConfig client, YamuxConfig server) throws Exception {
        YamuxPair pair = YamuxPair.open(client, server);
        pairs.add(pair);
        return pair;
    }

    private <T> Future<T> async(Callable<T> task) {
        return threads.submit(task);
    }

    private static void send(MuxedStream stream, String text) throws IOException {
        stream.out().write(text.getBytes(UTF_8));
        stream.out().flush();
    }

    private static String receive(MuxedStream stream, int length) throws IOException {
        return new String(stream.in().readNBytes(length), UTF_8);
    }

    @Test
    void bothSidesOpenStreamsAndTalk() throws Exception {
        YamuxPair pair = pair();
        MuxedStream fromClient = pair.client.openStream();
        send(fromClient, "hello server");
        MuxedStream atServer = pair.serverEvents.accept();
        assertThat(receive(atServer, 12)).isEqualTo("hello server");
        send(atServer, "hello client");
        assertThat(receive(fromClient, 12)).isEqualTo("hello client");

        MuxedStream fromServer = pair.server.openStream();
        send(fromServer, "ping");
        MuxedStream atClient = pair.clientEvents.accept();
        assertThat(receive(atClient, 4)).isEqualTo("ping");

        // The initiator uses odd ids, the responder even ones.
        assertThat(fromClient.id()).isOdd().isEqualTo(atServer.id());
        assertThat(fromServer.id()).isEven().isPositive().isEqualTo(atClient.id());
        assertThat(pair.client.streamCount()).isEqualTo(2);
        // onStream runs on the reader thread.
        assertThat(pair.serverEvents.callbackThreads.peek()).startsWith("yamux-reader-");
    }

    @Test
    void aStreamOpenedForReadingFirstStillReachesThePeer() throws Exception {
        YamuxPair pair = pair();
        MuxedStream stream = pair.client.openStream();
        Future<String> reply = async(() -> receive(stream, 5));
        MuxedStream atServer = pair.serverEvents.accept();
        send(atServer, "first");
        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    }

    @Test
    void manyConcurrentStreamsEchoRandomDataIntact() throws Exception {
        YamuxPair pair = pair();
        // Server: echo every stream on its own thread.
        List<Future<Object>> echoes = new ArrayList<>();
        Future<?> acceptor = async(() -> {
            for (int i = 0; i < 128; i++) {
                MuxedStream stream = pair.serverEvents.accept();
                echoes.add(async(() -> {
                    stream.in().transferTo(stream.out());
                    stream.closeWrite();
                    return "echoed";
                }));
            }
            return null;
        });
        long seed = System.nanoTime();
        System.out.println("manyConcurrentStreams seed " + seed);
        Random seeds = new Random(seed);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            Random random = new Random(seeds.nextLong());
            byte[] data = new byte[random.nextInt(600 * 1024)];
            random.nextBytes(data);
            results.add(async(() -> {
                MuxedStream stream = pair.client.openStream();
                Future<byte[]> echoed = async(() -> sha256(stream.in()));
                // Write in uneven pieces so frames of many sizes interleave.
                int offset = 0;
                while (offset < data.length) {
                    int n = Math.min(data.length - offset, 1 + random.nextInt(100_000));
                    stream.out().write(data, offset, n);
                    offset += n;
                }
                stream.closeWrite();
                boolean same = Arrays.equals(
                        echoed.get(30, TimeUnit.SECONDS),
                        MessageDigest.getInstance("SHA-256").digest(data));
                stream.close();
                return same;
            }));
        }
        for (Future<Boolean> result : results) {
            assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
        }
        acceptor.get(10, TimeUnit.SECONDS);
        for (Future<Object> echo : echoes) {
            assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo("echoed");
        }
        Await.until("all streams to end", WAIT, () -> pair.client.streamCount() == 0 && pair.server.streamCount() == 0);
        // Every stream's window went back to the connection budget.
        assertThat(pair.client.budget().used()).isZero();
        assertThat(pair.server.budget().used()).isZero();
    }

    static boolean threadsEnded(YamuxConnection connection) {
        return !Objects.requireNonNull(connection.readerThread()).isAlive() && !connection.flushing();
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[32 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    @Test
    void halfCloseFromTheOpener() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "request");
        client.closeWrite();
        MuxedStream server = pair.serverEvents.accept();
        assertThat(server.in().readAllBytes()).isEqualTo("request".getBytes(UTF_8));
        assertThat(server.in().read()).isEqualTo(-1);
        // The other direction still works.
        send(server, "response");
        server.closeWrite();
        assertThat(client.in().readAllBytes()).isEqualTo("response".getBytes(UTF_8));
        assertThatThrownBy(() -> client.out().write(1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed for writing");
        Await.until(
                "both ends to forget the stream",
                WAIT,
                () -> pair.client.streamCount() == 0 && pair.server.streamCount() == 0);
    }

    @Test
    void halfCloseFromTheAcceptor() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "x");
        MuxedStream server = pair.serverEvents.accept();
        server.closeWrite();
        assertThat(client.in().read()).isEqualTo(-1);
        // The client keeps writing after the server's FIN; the server keeps reading.
        send(client, "more data");
        assertThat(receive(server, 10)).isEqualTo("xmore data");
        client.closeWrite();
        assertThat(server.in().read()).isEqualTo(-1);
    }

    @Test
    void aLocalResetFailsABlockedWriterAndReachesThePeer() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        // The server never reads, so the client's writer blocks on a full window.
        Future<Object> blockedWrite = async(() -> {
            client.out().write(new byte[1024 * 1024]);
            return "wrote";
        });
        YamuxStream server = (YamuxStream) pair.serverEvents.accept();
        Await.until("the client writer to block", WAIT, () -> server.bufferedBytes() == 256 * 1024);
        client.reset();
        assertThatThrownBy(() -> blockedWrite.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
        assertThatThrownBy(() -> client.in().read())
                .isInstanceOf(StreamResetException.class)
                .hasMessageContaining("reset locally");
        // The peer's unread data is dropped and its reads and writes fail.
        Await.until("the server to see the reset", WAIT, () -> pair.server.streamCount() == 0);
        assertThatThrownBy(() -> server.in().read())
                .isInstanceOf(StreamResetException.class)
                .hasMessageContaining("reset by the peer");
        assertThatThrownBy(() -> server.out().write(1)).isInstanceOf(StreamResetException.class);
        assertThat(pair.client.streamCount()).isZero();
    }

    @Test
    void aRemoteResetWakesABlockedReader() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "a");
        MuxedStream server = pair.serverEvents.accept();
        assertThat(server.in().read()).isEqualTo('a');
        Future<Integer> blockedRead = async(() -> server.in().read());
        Await.until("the stream to be acknowledged", WAIT, () -> pair.client.streamCount() == 1);
        client.reset();
        assertThatThrownBy(() -> blockedRead.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
    }

    @Test
    void aResetFromTheAcceptorFailsTheOpenersWrites() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "a");
        MuxedStream server = pair.serverEvents.accept();
        server.reset();
        Await.until("the client to see the reset", WAIT, () -> {
            try {
                client.out().write(1);
                client.out().flush();
                return false;
            } catch (StreamResetException e) {
                return true;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThatThrownBy(() -> client.in().read())
                .isInstanceOf(StreamResetException.class)
                .hasMessageContaining("reset by the peer");
    }

    @Test
    void readTimeoutFiresAndTheStreamStaysUsable() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "a");
        MuxedStream server = pair.serverEvents.accept();
        server.in().readNBytes(1);
        server.setReadTimeout(Duration.ofMillis(100));
        long start = System.nanoTime();
        assertThatThrownBy(() -> server.in().read())
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("timed out after 100 ms");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(90_000_000L);
        send(client, "b");
        assertThat(server.in().read()).isEqualTo('b');
    }

    @Test
    void writeTimeoutFiresWhenThePeerDoesNotRead() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        client.setWriteTimeout(Duration.ofMillis(200));
        assertThatThrownBy(() -> client.out().write(new byte[1024 * 1024]))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("window");
        MuxedStream server = pair.serverEvents.accept();
        assertThat(((YamuxStream) server).bufferedBytes()).isEqualTo(256 * 1024);
        // Reading frees the window: the stream goes on.
        server.in().readNBytes(256 * 1024);
        client.out().write(new byte[] {1, 2, 3});
        client.out().flush();
        assertThat(server.in().readNBytes(3)).containsExactly(1, 2, 3);
    }

    @Test
    void aReceiverThatDoesNotReadStallsTheWriterWithoutUnboundedBuffering() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(1).nextBytes(data);
        AtomicLong written = new AtomicLong();
        AtomicReference<Thread> writerThread = new AtomicReference<>();
        Future<Object> writer = async(() -> {
            writerThread.set(Thread.currentThread());
            for (int offset = 0; offset < data.length; offset += 16 * 1024) {
                client.out().write(data, offset, 16 * 1024);
                written.addAndGet(16 * 1024);
            }
            client.closeWrite();
            return "done";
        });
        MuxedStream server = pair.serverEvents.accept();
        YamuxStream serverStream = (YamuxStream) server;
        Await.until(
                "the writer to park on a full window",
                WAIT,
                () -> serverStream.bufferedBytes() == 256 * 1024
                        && writerThread.get() != null
                        && writerThread.get().getState() == Thread.State.WAITING);
        // Parked with exactly one window's worth sent: nothing more is buffered anywhere.
        assertThat(written.get()).isLessThanOrEqualTo(256 * 1024);
        assertThat(serverStream.bufferedBytes()).isEqualTo(256 * 1024);
        assertThat(writer.isDone()).isFalse();
        // Resume reading: the writer finishes and every byte arrives.
        assertThat(server.in().readAllBytes()).isEqualTo(data);
        assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void largeSingleStreamTransfer() throws Exception {
        YamuxPair pair = pair();
        long total = 256L * 1024 * 1024;
        byte[] chunk = new byte[256 * 1024];
        new Random(7).nextBytes(chunk);
        MuxedStream client = pair.client.openStream();
        Future<Long> sink = async(() -> {
            MuxedStream server = pair.serverEvents.accept();
            byte[] buffer = new byte[256 * 1024];
            long received = 0;
            long mismatches = 0;
            int n;
            while ((n = server.in().read(buffer)) >= 0) {
                // Spot-check content: each byte sits at a known offset of the repeated chunk.
                if (buffer[0] != chunk[(int) (received % chunk.length)]) {
                    mismatches++;
                }
                received += n;
            }
            return mismatches == 0 ? received : -1;
        });
        long start = System.nanoTime();
        for (long sent = 0; sent < total; sent += chunk.length) {
            client.out().write(chunk);
        }
        client.closeWrite();
        assertThat(sink.get(60, TimeUnit.SECONDS)).isEqualTo(total);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "yamux single stream, TCP loopback, no encryption: %d MiB in %.2f s = %.0f MB/s%n",
                total >> 20, seconds, total / seconds / 1e6);
    }

    @Test
    void closeSendsGoAwayAndThePeerClosesInOrder() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "a");
        MuxedStream server = pair.serverEvents.accept();
        Future<Integer> blocked = async(() -> client.in().read());

        pair.client.close();
        assertThat(pair.client.isOpen()).isFalse();
        assertThat(pair.clientEvents.awaitClose(WAIT)).isEmpty();
        assertThat(pair.serverEvents.awaitClose(WAIT)).isEmpty();
        assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
        // The closing side resets its unfinished streams before its GoAway, so the peer sees a reset,
        // never a clean end of a stream that was cut.
        assertThatThrownBy(() -> server.in().read())
                .isInstanceOf(StreamResetException.class)
                .hasMessageContaining("reset by the peer");
        assertThatThrownBy(pair.server::openStream).isInstanceOf(IOException.class);
        assertThatThrownBy(pair.client::openStream)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        // onClose exactly once, on the reader; both threads end.
        assertThat(pair.clientEvents.closeCalls.get()).isEqualTo(1);
        assertThat(pair.serverEvents.closeCalls.get()).isEqualTo(1);
        Await.until("threads to end", WAIT, () -> threadsEnded(pair.client) && threadsEnded(pair.server));
        pair.client.close();
        assertThat(pair.clientEvents.closeCalls.get()).isEqualTo(1);
    }

    @Test
    void pingMeasuresTheRoundTripTime() throws Exception {
        YamuxPair pair = pair();
        Duration rtt = pair.client.ping();
        assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(1));
        assertThat(pair.server.ping()).isPositive();
        assertThat(pair.client.rtt()).isPositive();
    }

    @Test
    void theStreamLimitRefusesOutboundOpensClearly() throws Exception {
        YamuxPair pair = pair(YamuxConfig.defaults().withMaxStreams(3), YamuxConfig.defaults());
        for (int i = 0; i < 3; i++) {
            pair.client.openStream();
        }
        assertThatThrownBy(pair.client::openStream)
                .isInstanceOf(ResourceLimitException.class)
                .hasMessageContaining("3 streams are open")
                .hasMessageContaining("maxStreams");
    }

    @Test
    void inboundStreamsOverTheLimitAreReset() throws Exception {
        YamuxPair pair = pair(YamuxConfig.defaults(), YamuxConfig.defaults().withMaxStreams(2));
        List<MuxedStream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MuxedStream stream = pair.client.openStream();
            send(stream, "hi");
            streams.add(stream);
        }
        assertThatThrownBy(() -> streams.get(2).in().read()).isInstanceOf(StreamResetException.class);
        pair.serverEvents.accept();
        pair.serverEvents.accept();
        assertThat(pair.serverEvents.inbound).isEmpty();
        // Once a stream ends, a new one is accepted again.
        streams.get(0).reset();
        Await.until("the server to drop the reset stream", WAIT, () -> pair.server.streamCount() == 1);
        send(pair.client.openStream(), "again");
        assertThat(receive(pair.serverEvents.accept(), 5)).isEqualTo("again");
        assertThat(pair.server.isOpen()).isTrue();
    }

    @Test
    void theAckBacklogBoundsUnacknowledgedOpens() throws Exception {
        YamuxPair pair = pair(
                YamuxConfig.defaults().withMaxAckBacklog(2).withStreamOpenTimeout(Duration.ofMillis(200)),
                YamuxConfig.defaults());
        MuxedStream first = pair.client.openStream();
        send(first, "1");
        pair.client.openStream();
        assertThatThrownBy(pair.client::openStream)
                .isInstanceOf(ResourceLimitException.class)
                .hasMessageContaining("not acknowledged 2 streams");
        // The server acknowledges the first stream by answering on it: opening works again.
        send(pair.serverEvents.accept(), "ack");
        assertThat(receive(first, 3)).isEqualTo("ack");
        assertThat(pair.client.openStream()).isNotNull();
    }

    @Test
    void closingAStreamWithUnreadDataResetsThePeerLikeTcp() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "unread request");
        MuxedStream server = pair.serverEvents.accept();
        Await.until("the request to arrive", WAIT, () -> ((YamuxStream) server).bufferedBytes() > 0);
        send(server, "response");
        server.close();
        // The client reads the whole response and its end, then learns its request was not taken.
        assertThat(client.in().readAllBytes()).isEqualTo("response".getBytes(UTF_8));
        Await.until("the client's write side to be reset", WAIT, () -> {
            try {
                client.out().write(1);
                client.out().flush();
                return false;
            } catch (StreamResetException e) {
                return true;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThatThrownBy(() -> server.in().read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closingAfterReadingEverythingEndsCleanly() throws Exception {
        YamuxPair pair = pair();
        MuxedStream client = pair.client.openStream();
        send(client, "request");
        client.closeWrite();
        MuxedStream server = pair.serverEvents.accept();
        assertThat(server.in().readAllBytes()).hasSize(7);
        send(server, "response");
        server.close();
        assertThat(client.in().readAllBytes()).isEqualTo("response".getBytes(UTF_8));
        Await.until(
                "both ends to forget the stream",
                WAIT,
                () -> pair.client.streamCount() == 0 && pair.server.streamCount() == 0);
    }

    @Test
    void keepAliveClosesAConnectionWhosePeerWentSilent() throws Exception {
        // The server never pings; the client pings often and gives up quickly. A frozen server (its
        // reader stopped) is simulated by a pair whose server side is never started.
        YamuxConfig fast = YamuxConfig.defaults()
                .withKeepAliveInterval(Duration.ofMillis(100))
                .withPingTimeout(Duration.ofMillis(200));
        var ends = YamuxPair.connectedEnds(0);
        YamuxConnection client = new YamuxMuxer(fast).wrap(ends[0], true);
        Recorder events = new Recorder();
        client.start(events);
        try {
            Optional<Throwable> cause = events.awaitClose(WAIT);
            assertThat(cause).get().isInstanceOf(SocketTimeoutException.class);
            assertThat(cause.get()).hasMessageContaining("keep-alive");
        } finally {
            client.close();
            ends[1].close();
        }
    }

    @Test
    void keepAliveKeepsAnIdleButLivePeer() throws Exception {
        YamuxConfig fast = YamuxConfig.defaults()
                .withKeepAliveInterval(Duration.ofMillis(50))
                .withPingTimeout(Duration.ofMillis(150));
        YamuxPair pair = pair(fast, YamuxConfig.defaults().withKeepAliveInterval(Duration.ZERO));
        // Many keep-alive periods pass without a close.
        assertThatThrownBy(() -> pair.clientEvents.closed.get(800, TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
        assertThat(pair.client.isOpen()).isTrue();
        assertThat(pair.client.rtt()).isPositive();
    }

    @Test
    void operationsBeforeStartFailClearly() throws Exception {
        var ends = YamuxPair.connectedEnds(0);
        YamuxConnection connection = new YamuxMuxer().wrap(ends[0], true);
        assertThatThrownBy(connection::openStream)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start()");
        connection.close();
        ends[1].close();
    }
}
