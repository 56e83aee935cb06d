package io.servent.p2p.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Generators for property tests: valid values of every multiformat, and mutations of their
 * encodings that stay close enough to valid to reach deep into the parsers (random bytes alone
 * rarely get past the first varint).
 */
final class Samples {
    private Samples() {}

    /** Valid multiaddrs from the known-answer tests; the seeds of string and byte mutations. */
    static final List<String> MULTIADDRS = List.of(
            "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
            "/ip6/2001:db8::1/udp/4001/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
            "/ip6zone/eth0/ip6/fe80::1/tcp/1/ws",
            "/dns4/example.com/tcp/443/wss/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/p2p-circuit",
            "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234/http",
            "/onion/timaq4ygg2iegci7:80",
            "/ip4/1.2.3.4/tcp/80/unix/a/b/c",
            "/ip4/127.0.0.1/tcp/443/tls/sni/example.com/http/http-path/foo%2Fbar",
            "/memory/1234/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
            "/ip6/::ffff:127.0.0.1/udp/1/quic/ipcidr/24",
            "/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN");

    static final List<String> PEER_IDS = List.of(
            "12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
            "bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u",
            "k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs",
            "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
            "bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm",
            "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");

    static final List<String> CIDS = List.of(
            "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n",
            "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            "zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA",
            "f015512209d8453505bdc6f269678e16b3e56c2a2948a41f2c792617cc9611ed363c95b63",
            "k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7");

    static final List<String> KEYS = List.of(
            KeysTest.SPEC_ED25519_PUBLIC,
            KeysTest.SPEC_ED25519_PRIVATE,
            KeysTest.SPEC_SECP256K1_PUBLIC,
            KeysTest.SPEC_ECDSA_PUBLIC,
            KeysTest.SPEC_ECDSA_PRIVATE);

    /** Characters parsers care about, plus some they must refuse. */
    private static final String TEXT_ALPHABET =
            "/0123456789abcdefABCDEF:.%-_~+=QmzkbBfFmMuU12D3KooW \u0000\u00e9\u212a\uff10";

    static Arbitrary<byte[]> randomBytes(int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxLength);
    }

    static Arbitrary<String> randomText(int maxLength) {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(maxLength),
                Arbitraries.strings().withChars(TEXT_ALPHABET).ofMaxLength(maxLength));
    }

    /** Valid encodings, each mutated a few times. */
    static Arbitrary<byte[]> mutatedBytes(List<byte[]> seeds) {
        return Arbitraries.randomValue(random -> mutate(seeds.get(random.nextInt(seeds.size())), random));
    }

    static Arbitrary<String> mutatedText(List<String> seeds) {
        return Arbitraries.randomValue(random -> mutate(seeds.get(random.nextInt(seeds.size())), random));
    }

    static byte[] mutate(byte[] seed, Random random) {
        byte[] out = seed.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int at = out.length == 0 ? 0 : random.nextInt(out.length);
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (out.length > 0) {
                        out[at] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> {
                    if (out.length > 0) {
                        out[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 2 -> out = Arrays.copyOf(out, at); // truncate
                case 3 -> { // insert
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
                case 4 -> { // delete
                    if (out.length > 0) {
                        byte[] shorter = new byte[out.length - 1];
                        System.arraycopy(out, 0, shorter, 0, at);
                        System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                        out = shorter;
                    }
                }
                default -> { // a varint-looking byte: continuation bits are where parsers slip
                    if (out.length > 0) {
                        out[at] = (byte) (0x80 | random.nextInt(128));
                    }
                }
            }
        }
        return out;
    }

    static String mutate(String seed, Random random) {
        StringBuilder sb = new StringBuilder(seed);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int at = sb.isEmpty() ? 0 : random.nextInt(sb.length());
            char c = TEXT_ALPHABET.charAt(random.nextInt(TEXT_ALPHABET.length()));
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (!sb.isEmpty()) {
                        sb.setCharAt(at, c);
                    }
                }
                case 1 -> sb.insert(at, c);
                case 2 -> {
                    if (!sb.isEmpty()) {
                        sb.deleteCharAt(at);
                    }
                }
                case 3 -> sb.setLength(at);
                default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + 1 + random.nextInt(8))));
            }
        }
        return sb.toString();
    }

    static List<byte[]> multiaddrBytes() {
        return MULTIADDRS.stream().map(s -> Multiaddr.parse(s).bytes()).toList();
    }

    /** The CIDs above plus one in each remaining base. */
    static List<String> cidTexts() {
        List<String> out = new ArrayList<>(CIDS);
        Cid v1 = Cid.parse(CIDS.get(1));
        for (Multibase base : Multibase.values()) {
            out.add(v1.toString(base));
        }
        return out;
    }

    static List<byte[]> cidBytes() {
        return CIDS.stream().map(s -> Cid.parse(s).bytes()).toList();
    }

    static List<byte[]> peerIdBytes() {
        return PEER_IDS.stream().map(s -> PeerId.parse(s).bytes()).toList();
    }

    static List<byte[]> keyBytes() {
        return KEYS.stream().map(Hex::bytes).toList();
    }

    // ---- valid values ----

    static Arbitrary<byte[]> seeds() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32);
    }

    private static final List<MultiaddrProtocol> PROTOCOLS = List.of(MultiaddrProtocol.values());

    static Arbitrary<Multiaddr> multiaddrs() {
        return Arbitraries.randomValue(Samples::multiaddr);
    }

    static Multiaddr multiaddr(Random random) {
        while (true) {
            int count = 1 + random.nextInt(8);
            List<Multiaddr.Component> components = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                MultiaddrProtocol p = PROTOCOLS.get(random.nextInt(PROTOCOLS.size()));
                if (p.isPath() && i < count - 1) {
                    p = MultiaddrProtocol.TCP;
                }
                components.add(new Multiaddr.Component(p, value(p, random)));
            }
            try {
                return Multiaddr.of(components);
            } catch (MultiformatException tooLong) {
                // over MAX_LENGTH: draw again
            }
        }
    }

    /** A random valid value of {@code protocol}. */
    static byte[] value(MultiaddrProtocol protocol, Random random) {
        return switch (protocol) {
            case IP6 -> ip6(random);
            case ONION, ONION3 -> {
                byte[] v = bytes(random, protocol.fixedSize());
                v[v.length - 1] |= 1; // port 0 is invalid
                yield v;
            }
            case P2P ->
                random.nextBoolean()
                        ? PeerId.fromBytes(Multihash.of(Multihash.SHA2_256, bytes(random, 32))
                                        .bytes())
                                .bytes()
                        : Ed25519PrivateKey.fromSeed(bytes(random, 32))
                                .publicKey()
                                .peerId()
                                .bytes();
            case CERTHASH ->
                Multihash.of(random.nextBoolean() ? Multihash.SHA2_256 : 0x1b, bytes(random, 32))
                        .bytes();
            case UNIX ->
                ("/" + text(random, 1, 20) + (random.nextBoolean() ? "/" + text(random, 1, 8) : ""))
                        .getBytes(StandardCharsets.UTF_8);
            case HTTP_PATH -> bytes(random, 1 + random.nextInt(40));
            case DNS, DNS4, DNS6, DNSADDR, SNI, IP6ZONE -> text(random, 1, 40).getBytes(StandardCharsets.UTF_8);
            default -> protocol.hasValue() ? bytes(random, protocol.fixedSize()) : new byte[0];
        };
    }

    /** IPv6 addresses with runs of zero groups, so "::" and ::ffff: forms are exercised. */
    private static byte[] ip6(Random random) {
        byte[] v = bytes(random, 16);
        switch (random.nextInt(4)) {
            case 0 -> Arrays.fill(v, 2 * random.nextInt(8), 16, (byte) 0);
            case 1 -> Arrays.fill(v, 0, 2 * random.nextInt(8), (byte) 0);
            case 2 -> {
                Arrays.fill(v, 0, 10, (byte) 0);
                v[10] = (byte) 0xff;
                v[11] = (byte) 0xff;
            }
            default -> {
                for (int g = 0; g < 8; g++) {
                    if (random.nextBoolean()) {
                        v[2 * g] = 0;
                        v[2 * g + 1] = 0;
                    }
                }
            }
        }
        return v;
    }

    /** Non-empty text without '/' or unpaired surrogates. */
    private static String text(Random random, int min, int max) {
        String alphabet = "abcXYZ019.-_:%+~ éλ漢@";
        int n = min + random.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        if (random.nextInt(8) == 0) {
            sb.appendCodePoint(0x1F680); // a supplementary character, as a surrogate pair
        }
        return sb.toString();
    }

    static byte[] bytes(Random random, int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
