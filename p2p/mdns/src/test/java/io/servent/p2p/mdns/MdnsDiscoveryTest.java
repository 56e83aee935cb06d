package io.servent.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real multicast sockets on the loopback interface, with real hosts (TCP, Noise, Yamux). */
@Timeout(60)
class MdnsDiscoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final LoopbackMdns net = new LoopbackMdns();

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void twoHostsOnOneLinkFindEachOtherAndConnect() throws Exception {
        BasicHost a = net.host();
        BasicHost b = net.host();
        List<MdnsPeer> seenByA = new CopyOnWriteArrayList<>();
        List<MdnsPeer> seenByB = new CopyOnWriteArrayList<>();
        MdnsDiscovery mdnsA = net.discovery(a, net.config());
        mdnsA.subscribe(seenByA::add);
        MdnsDiscovery mdnsB = new MdnsDiscovery(b, net.config());
        mdnsB.subscribe(seenByB::add);
        mdnsB.start();

        Await.until(WAIT, () -> seenByA.stream().anyMatch(p -> p.peer().equals(b.peerId())), "a discovers b");
        Await.until(WAIT, () -> seenByB.stream().anyMatch(p -> p.peer().equals(a.peerId())), "b discovers a");

        assertThat(seenByA).allSatisfy(p -> assertThat(p.peer()).isNotEqualTo(a.peerId()));
        assertThat(a.peerstore().addresses(b.peerId())).containsAll(b.listenAddresses());
        assertThat(seenByB).filteredOn(p -> p.peer().equals(a.peerId())).first().satisfies(p -> {
            assertThat(p.addresses()).isEqualTo(a.listenAddresses());
            assertThat(p.ttl()).isEqualTo(Duration.ofSeconds(120));
        });
        assertThat(mdnsA.discoveredPeers()).extracting(MdnsPeer::peer).contains(b.peerId());
        assertThat(mdnsA.interfaceNames()).containsExactly(LoopbackMdns.loopbackName());
        // What mDNS put in the peerstore is enough to dial by PeerId alone.
        Connection connection = a.connect(b.peerId());
        assertThat(connection.remotePeer()).isEqualTo(b.peerId());
        mdnsB.close();
    }

    @Test
    void reportsAPeerOnceUntilItsAddressesChange() throws Exception {
        BasicHost a = net.host();
        BasicHost b = net.host();
        List<MdnsPeer> seenByA = new CopyOnWriteArrayList<>();
        MdnsDiscovery mdnsA = net.discovery(a, net.config().withQueryInterval(Duration.ofMillis(200)));
        mdnsA.subscribe(seenByA::add);
        net.discovery(b, net.config().withQueryInterval(Duration.ofMillis(200)));

        Await.until(WAIT, () -> !seenByA.isEmpty(), "a discovers b");
        // Five query rounds, each answered: still one report.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        Await.until(Duration.ofSeconds(5), () -> System.nanoTime() - end > 0, "a second of queries has passed");
        assertThat(seenByA).hasSize(1);
    }

    @Test
    void autoConnectDialsDiscoveredPeers() throws Exception {
        BasicHost a = net.host();
        BasicHost b = net.host();
        net.discovery(a, net.config().withAutoConnect(true));
        net.discovery(b, net.config());

        Await.until(WAIT, () -> !a.connections(b.peerId()).isEmpty(), "a connects to b");
        Await.until(WAIT, () -> !b.connections(a.peerId()).isEmpty(), "b sees the connection");
    }

    @Test
    void ipv6FailuresOnALinkWithoutIpv6MulticastAreNotFatal() throws Exception {
        BasicHost a = net.host();
        BasicHost b = net.host();
        List<MdnsPeer> seenByA = new CopyOnWriteArrayList<>();
        net.discovery(a, net.config().withIpv6(true)).subscribe(seenByA::add);
        net.discovery(b, net.config().withIpv6(true));

        Await.until(WAIT, () -> seenByA.stream().anyMatch(p -> p.peer().equals(b.peerId())), "a discovers b");
    }

    @Test
    void garbageOnTheWireChangesNothing() throws Exception {
        BasicHost a = net.host();
        MdnsDiscovery mdnsA = net.discovery(a, net.config());
        List<MdnsPeer> seenByA = new CopyOnWriteArrayList<>();
        mdnsA.subscribe(seenByA::add);
        DatagramChannel raw = net.rawSocket(false, net.port);
        Random random = new Random(42);
        byte[][] seeds = {JsPackets.query(), JsPackets.responseOne(), JsPackets.responseTwo()};
        for (int i = 0; i < 3000; i++) {
            byte[] packet;
            if (i % 3 == 0) {
                packet = new byte[random.nextInt(600)];
                random.nextBytes(packet);
            } else {
                packet = seeds[i % seeds.length].clone();
                for (int m = 0; m < 1 + random.nextInt(4); m++) {
                    int at = random.nextInt(packet.length);
                    packet[at] = (byte) random.nextInt();
                }
            }
            raw.send(ByteBuffer.wrap(packet), net.group());
        }
        raw.send(ByteBuffer.wrap(new byte[DnsCodec.MAX_MESSAGE_LENGTH + 500]), net.group()); // oversize

        BasicHost b = net.host();
        net.discovery(b, net.config());
        Await.until(WAIT, () -> seenByA.stream().anyMatch(p -> p.peer().equals(b.peerId())), "a still discovers b");
        assertThat(mdnsA.unexpectedErrors()).isZero();
        assertThat(seenByA).extracting(MdnsPeer::peer).doesNotContain(a.peerId());
    }

    @Test
    void aQueryFloodGetsAboutOneResponseASecond() throws Exception {
        BasicHost a = net.host();
        DatagramChannel listener = net.rawSocket(true, net.port);
        MdnsDiscovery mdnsA = net.discovery(a, net.config().withQueryInterval(Duration.ofMinutes(1)));
        // Let the two start-up announcements pass.
        awaitResponses(listener, mdnsA.peerName(), 2, Duration.ofSeconds(5));

        byte[] query = DnsCodec.encode(MdnsRecords.query());
        long start = System.nanoTime();
        int responses = 0;
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2500)) {
            for (int i = 0; i < 20; i++) {
                listener.send(ByteBuffer.wrap(query), net.group());
            }
            responses += countResponses(listener, mdnsA.peerName());
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        responses += awaitResponses(listener, mdnsA.peerName(), 0, Duration.ofMillis(1500));

        // ≈ 5000 queries over 2.5 s: responses at most once a second, plus one when the quiet time ends.
        assertThat(responses).isBetween(2, 4);
    }

    @Test
    void announcesAgainWhenTheHostsAddressesChange() throws Exception {
        BasicHost a = net.host();
        DatagramChannel listener = net.rawSocket(true, net.port);
        MdnsDiscovery mdnsA = net.discovery(a, net.config().withQueryInterval(Duration.ofMinutes(1)));
        awaitResponses(listener, mdnsA.peerName(), 2, Duration.ofSeconds(5)); // at start, and a second later
        assertThat(awaitResponses(listener, mdnsA.peerName(), 0, Duration.ofMillis(1500)))
                .isZero();

        a.publish(new HostEvent.LocalAddressesChanged(a.listenAddresses()));

        awaitResponses(listener, mdnsA.peerName(), 2, Duration.ofSeconds(5));
    }

    @Test
    void answersLegacyUnicastQueriesDirectly() throws Exception {
        BasicHost a = net.host();
        MdnsDiscovery mdnsA = net.discovery(a, net.config());
        DatagramChannel asker = net.rawSocket(false, 0); // an ephemeral port: a "legacy" querier
        DnsMessage query = new DnsMessage(
                0x4242,
                0,
                List.of(new DnsQuestion(MdnsRecords.SERVICE, DnsRecord.TYPE_PTR, false)),
                List.of(),
                List.of(),
                List.of());

        asker.send(ByteBuffer.wrap(DnsCodec.encode(query)), net.group());
        DatagramPacket packet = receive(asker);

        assertThat(packet.getPort()).isEqualTo(net.port);
        DnsMessage reply = DnsCodec.decode(Arrays.copyOf(packet.getData(), packet.getLength()));
        assertThat(reply.id()).isEqualTo(0x4242);
        assertThat(reply.questions()).isEqualTo(query.questions());
        assertThat(reply.records()).allSatisfy(r -> assertThat(r.ttl()).isLessThanOrEqualTo(10));
        assertThat(MdnsRecords.peers(reply, "me")).singleElement().satisfies(p -> {
            assertThat(p.peer()).isEqualTo(a.peerId());
            assertThat(p.addresses()).isEqualTo(a.listenAddresses());
        });
        assertThat(mdnsA.peerName()).isNotBlank();
    }

    @Test
    void answersDnsSdServiceEnumeration() throws Exception {
        BasicHost a = net.host();
        DatagramChannel listener = net.rawSocket(true, net.port);
        MdnsDiscovery mdnsA = net.discovery(a, net.config());
        awaitResponses(listener, mdnsA.peerName(), 2, Duration.ofSeconds(5));

        DnsMessage meta =
                DnsMessage.query(List.of(new DnsQuestion(MdnsRecords.SERVICES_META, DnsRecord.TYPE_PTR, false)));
        listener.send(ByteBuffer.wrap(DnsCodec.encode(meta)), net.group());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean answered = false;
        while (!answered && System.nanoTime() - deadline < 0) {
            DatagramPacket packet = receive(listener);
            DnsMessage m = DnsCodec.decode(Arrays.copyOf(packet.getData(), packet.getLength()));
            answered = m.isResponse()
                    && m.answers()
                            .contains(new DnsRecord.Ptr(MdnsRecords.SERVICES_META, 120, false, MdnsRecords.SERVICE));
        }
        assertThat(answered).isTrue();
    }

    @Test
    void closeStopsEveryThreadAndTheSameConfigStartsAgain() throws Exception {
        BasicHost a = net.host();
        BasicHost b = net.host();
        MdnsDiscovery first = new MdnsDiscovery(a, net.config().withAutoConnect(true));
        first.start();
        assertThat(first.liveThreadCount()).isGreaterThanOrEqualTo(3);
        first.close();
        assertThat(first.liveThreadCount()).isZero();
        first.close(); // idempotent
        assertThatThrownBy(first::start).isInstanceOf(IOException.class);

        List<MdnsPeer> seenByA = new CopyOnWriteArrayList<>();
        net.discovery(a, net.config()).subscribe(seenByA::add);
        net.discovery(b, net.config());
        Await.until(WAIT, () -> seenByA.stream().anyMatch(p -> p.peer().equals(b.peerId())), "a discovers b again");
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() throws Exception {
        BasicHost a = net.host();
        BasicHost b = net.host();
        MdnsDiscovery mdnsA = net.discovery(a, net.config());
        mdnsA.subscribe(p -> {
            throw new IllegalStateException("listener bug");
        });
        List<MdnsPeer> seen = new CopyOnWriteArrayList<>();
        mdnsA.subscribe(seen::add);
        net.discovery(b, net.config());

        Await.until(WAIT, () -> !seen.isEmpty(), "the second listener hears of b");
    }

    @Test
    void refusesUnknownInterfaces() throws Exception {
        MdnsDiscovery mdns = new MdnsDiscovery(net.host(), net.config().withInterfaces(List.of("no-such-if0")));
        assertThatThrownBy(mdns::start).isInstanceOf(IOException.class).hasMessageContaining("no-such-if0");
        mdns.close();
    }

    @Test
    void announcesLoopbackAddressesOnlyOnLoopbackAndTakesThemOnlyFromLoopback() throws Exception {
        BasicHost a = net.host();
        MdnsDiscovery mdnsA = new MdnsDiscovery(a, net.config());
        Multiaddr loopback = a.listenAddresses().get(0);

        assertThat(mdnsA.announced(true)).containsExactly(loopback.withPeerId(a.peerId()));
        assertThat(mdnsA.announced(false)).isEmpty();

        List<Multiaddr> offered = List.of(
                Multiaddr.parse("/ip4/127.0.0.1/tcp/1"),
                Multiaddr.parse("/ip4/192.168.7.7/tcp/1"),
                Multiaddr.parse("/ip4/0.0.0.0/tcp/1"),
                Multiaddr.parse("/ip6/fe80::1/tcp/1"),
                Multiaddr.parse("/ip6/fd00::1/tcp/1"),
                Multiaddr.parse("/dns4/example.com/tcp/1"),
                Multiaddr.parse("/memory/7"));
        assertThat(MdnsDiscovery.usable(offered, InetAddress.getByName("192.168.7.7")))
                .containsExactly(offered.get(1), offered.get(4), offered.get(5));
        assertThat(MdnsDiscovery.usable(offered, InetAddress.getByName("127.0.0.1")))
                .containsExactly(offered.get(0), offered.get(1), offered.get(4), offered.get(5));
    }

    @Test
    void dropsZonesThatMeanNothingElsewhere() {
        assertThat(MdnsDiscovery.withoutZone(Multiaddr.parse("/ip6zone/eth0/ip6/fd00::2/tcp/1")))
                .isEqualTo(Multiaddr.parse("/ip6/fd00::2/tcp/1"));
        assertThat(MdnsDiscovery.withoutZone(Multiaddr.parse("/ip4/10.0.0.1/tcp/1")))
                .isEqualTo(Multiaddr.parse("/ip4/10.0.0.1/tcp/1"));
    }

    @Test
    void prefixMatchingForTheOnLinkCheck() throws Exception {
        byte[] net10 = InetAddress.getByName("10.1.2.3").getAddress();
        assertThat(MdnsDiscovery.samePrefix(
                        net10, InetAddress.getByName("10.1.2.200").getAddress(), 24))
                .isTrue();
        assertThat(MdnsDiscovery.samePrefix(
                        net10, InetAddress.getByName("10.1.3.3").getAddress(), 24))
                .isFalse();
        assertThat(MdnsDiscovery.samePrefix(
                        net10, InetAddress.getByName("10.1.3.3").getAddress(), 22))
                .isTrue();
        assertThat(MdnsDiscovery.samePrefix(
                        net10, InetAddress.getByName("10.1.2.2").getAddress(), 31))
                .isTrue();
        assertThat(MdnsDiscovery.samePrefix(
                        net10, InetAddress.getByName("10.1.2.4").getAddress(), 31))
                .isFalse();
        assertThat(MdnsDiscovery.samePrefix(
                        net10, InetAddress.getByName("99.9.9.9").getAddress(), 0))
                .isTrue();
    }

    /** Blocks up to 10 s for one datagram (the channel's own receive has no timeout). */
    private static DatagramPacket receive(DatagramChannel channel) throws IOException {
        channel.configureBlocking(true);
        channel.socket().setSoTimeout(10_000);
        DatagramPacket packet = new DatagramPacket(new byte[DnsCodec.MAX_MESSAGE_LENGTH], DnsCodec.MAX_MESSAGE_LENGTH);
        channel.socket().receive(packet);
        return packet;
    }

    /** Counts responses from {@code peerName} waiting at the socket now (non-blocking). */
    private static int countResponses(DatagramChannel channel, String peerName) throws IOException {
        boolean blocking = channel.isBlocking();
        channel.configureBlocking(false);
        int n = 0;
        ByteBuffer buffer = ByteBuffer.allocate(DnsCodec.MAX_MESSAGE_LENGTH + 1);
        while (channel.receive(buffer) != null) {
            n += isResponseFrom(Arrays.copyOf(buffer.array(), buffer.position()), peerName) ? 1 : 0;
            buffer.clear();
        }
        channel.configureBlocking(blocking);
        return n;
    }

    /** Waits for {@code atLeast} responses from {@code peerName} (or the whole time if 0); returns how many came. */
    private static int awaitResponses(DatagramChannel channel, String peerName, int atLeast, Duration time)
            throws IOException {
        long deadline = System.nanoTime() + time.toNanos();
        int n = 0;
        while (System.nanoTime() - deadline < 0 && (atLeast == 0 || n < atLeast)) {
            n += countResponses(channel, peerName);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (n < atLeast) {
            throw new AssertionError("only " + n + " of " + atLeast + " responses within " + time);
        }
        return n;
    }

    private static boolean isResponseFrom(byte[] packet, String peerName) {
        try {
            DnsMessage m = DnsCodec.decode(packet);
            return m.isResponse()
                    && m.answers().stream()
                            .anyMatch(r -> r instanceof DnsRecord.Ptr p
                                    && p.target().first().equals(peerName));
        } catch (DnsFormatException e) {
            return false;
        }
    }
}
