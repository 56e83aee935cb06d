package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known answers from the multiaddr spec (multiaddr.feature), go-multiaddr's multiaddr_test.go and
 * js-multiaddr's index.spec.ts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultiaddrTest {
    private static final String ED25519_PEER = "12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV";
    private static final String RSA_PEER = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";

    /** String and binary forms of the same address, both ways. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // multiaddr spec, test/multiaddr.feature
        "/ip4/192.0.2.42/tcp/443, 04c000022a0601bb",
        // go-multiaddr TestStringToBytes / TestBytesToString / TestBinaryRepresentation / TestZone
        "/ip4/127.0.0.1/udp/1234, 047f000001910204d2",
        "/ip4/127.0.0.1/tcp/4321, 047f0000010610e1",
        "/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321, 047f000001910204d2047f0000010610e1",
        "/onion/aaimaq4ygg2iegci:80, bc030010c0439831b48218480050",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234,"
                + " bd03adadec040be047f9658668b11a504f3155001f231a37f54c4476c07fb4cc139ed7e30304d2",
        "/ip6zone/eth0/ip6/::1, 2a0465746830" + "29" + "00000000000000000000000000000001",
        // Built from the protocol table (codes as LEB128 varints, variable values length-prefixed).
        "/ip6/2001:db8::1/tcp/4001, 29" + "20010db8000000000000000000000001" + "060fa1",
        "/dns/example.com/tcp/443, 350b6578616d706c652e636f6d0601bb",
        "/dns4/example.com/udp/53, 360b6578616d706c652e636f6d910200" + "35",
        "/dns6/example.com/tcp/1, 370b6578616d706c652e636f6d060001",
        "/dnsaddr/example.com, 380b6578616d706c652e636f6d",
        "/ip4/1.2.3.4/udp/4001/quic, 040102030491020fa1cc03",
        "/ip4/1.2.3.4/udp/4001/quic-v1/webtransport, 040102030491020fa1cd03d103",
        "/ip4/1.2.3.4/tcp/443/wss, 040102030406" + "01bb" + "de03",
        "/ip4/1.2.3.4/tcp/80/ws/p2p-circuit, 04010203040600" + "50" + "dd03a202",
        "/unix/tmp/p2p.sock, 90030d2f746d702f7032702e736f636b",
        "/memory/1234, 8906" + "00000000000004d2",
        "/memory/18446744073709551615, 8906" + "ffffffffffffffff",
        "/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g,"
                + " 0401020304910200" + "01" + "cd03d103d20322" + "1220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d"
                + "4a3960714caef0c4f2",
    })
    void stringAndBinaryFormsMatch(String text, String hex) {
        Multiaddr fromText = Multiaddr.parse(text);
        Multiaddr fromBytes = Multiaddr.fromBytes(Hex.bytes(hex));

        assertThat(Hex.of(fromText.bytes())).isEqualTo(hex);
        assertThat(fromBytes.toString()).isEqualTo(text);
        assertThat(fromBytes).isEqualTo(fromText);
    }

    @Test
    void p2pValuesAreBase58PeerIdsWhateverTheInputForm() {
        PeerId peer = PeerId.parse(ED25519_PEER);
        String expected = "/ip4/127.0.0.1/tcp/4001/p2p/" + ED25519_PEER;

        for (String form : List.of(
                ED25519_PEER,
                "bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u",
                "k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs")) {
            for (String name : List.of("p2p", "ipfs")) {
                Multiaddr ma = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/" + name + "/" + form);
                assertThat(ma.toString()).isEqualTo(expected);
                assertThat(ma.peerId()).contains(peer);
                assertThat(Hex.of(ma.bytes())).isEqualTo("047f000001060fa1" + "a503" + "26" + Hex.of(peer.bytes()));
            }
        }
        assertThat(Multiaddr.parse("/ipfs/" + RSA_PEER).toString()).isEqualTo("/p2p/" + RSA_PEER);
        assertThat(Multiaddr.parse("/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7")
                        .toString())
                .isEqualTo("/p2p/" + RSA_PEER);
    }

    /** go-multiaddr's list of valid addresses (without garlic32/64, which servent does not implement). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "/ip4/1.2.3.4",
                "/ip4/0.0.0.0",
                "/ip4/192.0.2.0/ipcidr/24",
                "/ip6/::1",
                "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21",
                "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21/udp/1234/quic",
                "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21/udp/1234/quic-v1",
                "/ip6/2001:db8::/ipcidr/32",
                "/ip6zone/x/ip6/fe80::1",
                "/ip6zone/x%y/ip6/fe80::1",
                "/ip6zone/x%y/ip6/::",
                "/ip6zone/x/ip6/fe80::1/udp/1234/quic",
                "/ip6zone/x/ip6/fe80::1/udp/1234/quic-v1",
                "/onion/timaq4ygg2iegci7:1234",
                "/onion/timaq4ygg2iegci7:80/http",
                "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234",
                "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:80/http",
                "/udp/0",
                "/tcp/0",
                "/sctp/0",
                "/udp/1234",
                "/tcp/1234",
                "/sctp/1234",
                "/udp/65535",
                "/tcp/65535",
                "/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
                "/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
                "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
                "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
                "/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm",
                "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
                "/p2p/k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs",
                "/p2p/bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u",
                "/udp/1234/sctp/1234",
                "/udp/1234/udt",
                "/udp/1234/utp",
                "/tcp/1234/http",
                "/tcp/1234/tls/http",
                "/tcp/1234/https",
                "/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
                "/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
                "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
                "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
                "/ip4/127.0.0.1/udp/1234",
                "/ip4/127.0.0.1/udp/0",
                "/ip4/127.0.0.1/tcp/1234",
                "/ip4/127.0.0.1/tcp/1234/",
                "/ip4/127.0.0.1/udp/1234/quic",
                "/ip4/127.0.0.1/udp/1234/quic-v1",
                "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport",
                "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy",
                "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy/certhash/"
                        + "zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41",
                "/ip4/127.0.0.1/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
                "/ip4/127.0.0.1/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
                "/ip4/127.0.0.1/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
                "/ip4/127.0.0.1/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
                "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
                "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
                "/ip4/127.0.0.1/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
                "/ip4/127.0.0.1/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
                "/unix/a/b/c/d/e",
                "/unix/stdio",
                "/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f",
                "/ip4/127.0.0.1/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234/unix/stdio",
                "/ip4/127.0.0.1/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234/unix/stdio",
                "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234/unix/stdio",
                "/ip4/127.0.0.1/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234/unix/stdio",
                "/ip4/127.0.0.1/tcp/9090/http/p2p-webrtc-direct",
                "/ip4/127.0.0.1/tcp/127/ws",
                "/ip4/127.0.0.1/tcp/127/tls",
                "/ip4/127.0.0.1/tcp/127/tls/ws",
                "/ip4/127.0.0.1/tcp/127/noise",
                "/ip4/127.0.0.1/tcp/127/wss",
                "/ip4/127.0.0.1/tcp/127/webrtc-direct",
                "/ip4/127.0.0.1/tcp/127/webrtc",
                "/http-path/tmp%2Fbar",
                "/http-path/tmp%2Fbar%2Fbaz",
                "/http-path/foo",
                "/ip4/127.0.0.1/tcp/0/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV/http-path/foo",
                "/ip4/127.0.0.1/tcp/443/tls/sni/example.com/http/http-path/foo",
                "/memory/4",
            })
    void goMultiaddrValidAddressesParseAndRoundTrip(String text) {
        Multiaddr ma = Multiaddr.parse(text);

        assertThat(Multiaddr.fromBytes(ma.bytes())).isEqualTo(ma);
        assertThat(Multiaddr.parse(ma.toString())).isEqualTo(ma);
        assertThat(Multiaddr.parse(ma.toString()).toString()).isEqualTo(ma.toString());
    }

    /** go-multiaddr TestConstructFails (without garlic32/64), and a few more. */
    @ParameterizedTest(name = "''{0}''")
    @ValueSource(
            strings = {
                "/ip4",
                "/ip4/::1",
                "/ip4/fdpsofodsajfdoisa",
                "/ip4/::/ipcidr/256",
                "/ip6/::/ipcidr/1026",
                "/ip6",
                "/ip6zone",
                "/ip6zone/",
                "/ip6zone//ip6/fe80::1",
                "/udp",
                "/tcp",
                "/sctp",
                "/udp/65536",
                "/tcp/65536",
                "/quic/65536",
                "/quic-v1/65536",
                "/onion/9imaq4ygg2iegci7:80",
                "/onion/aaimaq4ygg2iegci7:80",
                "/onion/timaq4ygg2iegci7:0",
                "/onion/timaq4ygg2iegci7:-1",
                "/onion/timaq4ygg2iegci7",
                "/onion/timaq4ygg2iegci@:666",
                "/onion3/9ww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:80",
                "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd7:80",
                "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:0",
                "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:-1",
                "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd",
                "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyy@:666",
                "/udp/1234/sctp",
                "/udp/1234/udt/1234",
                "/udp/1234/utp/1234",
                "/ip4/127.0.0.1/udp/jfodsajfidosajfoidsa",
                "/ip4/127.0.0.1/udp",
                "/ip4/127.0.0.1/tcp/jfodsajfidosajfoidsa",
                "/ip4/127.0.0.1/tcp",
                "/ip4/127.0.0.1/quic/1234",
                "/ip4/127.0.0.1/quic-v1/1234",
                "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash",
                "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmp",
                "/ip4/127.0.0.1/ipfs",
                "/ip4/127.0.0.1/ipfs/tcp",
                "/ip4/127.0.0.1/p2p",
                "/ip4/127.0.0.1/p2p/tcp",
                "/unix",
                "/ip4/1.2.3.4/tcp/80/unix",
                "/ip4/1.2.3.4/tcp/-1",
                "/ip4/127.0.0.1/tcp/9090/http/p2p-webcrt-direct",
                "/memory/92233720368547758081",
                "/",
                "",
                "/p2p/QmxoHT6iViN5xAjoz1VZ553cL31U9F94ht3QvWR1FrEbZY",
                // go-multiaddr TestInvalidP2PAddrString
                "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl-",
                "/p2p/?unknownmultibase",
                "/p2p/k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z",
                // go-multiaddr TestHTTPPath
                "/http-path/thisIsMissingAfullByte%f",
                // more: leading zeros, zones inside ip6, empty or misplaced values
                "/ip4/01.2.3.4",
                "/ip4/1.2.3",
                "/ip4/1.2.3.4.5",
                "/ip4/256.2.3.4",
                "/ip6/fe80::1%eth0",
                "/ip6/1:2:3:4:5:6:7:8:9",
                "/ip6/1::2::3",
                "/ip6/12345::1",
                "/ip6/:1:2:3:4:5:6:7",
                "/ip6/1:2:3:4:5:6:7::8",
                "/ip6/::1.2.3",
                "/dns/",
                "//ip4/1.2.3.4",
                "/ip4//1.2.3.4",
                "ip4/1.2.3.4",
                "/dns4/a/b",
                "/http-path/",
                "/tcp/+80",
                "/tcp/ 80",
                "/tcp/８０",
            })
    void invalidAddressesAreRejected(String text) {
        assertThatThrownBy(() -> Multiaddr.parse(text)).isInstanceOf(MultiformatException.class);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource({
        "'', empty multiaddr",
        "04, component 1 at byte 0: ip4 needs 4 value bytes but only 0 remain",
        "047f000001067f, component 2 at byte 5: tcp needs 2 value bytes but only 1 remain",
        "ff7f, component 1 at byte 0: unknown protocol code 16383",
        "8080808080808080808001, component 1 at byte 0: varint is longer than 9 bytes",
        "3500, component 1 at byte 0: dns values are 1 to 512 bytes, not 0",
        "35818001, component 1 at byte 0: dns value of 16385 bytes exceeds 512",
        "3501" + "2f, dns value '/' must be 1 to 255 bytes without '/'",
        "3501" + "ff, dns value is not valid UTF-8",
        "bc030010c0439831b48218480000, onion port must be 1 to 65535, not 0",
        "900302" + "2f61" + "0600" + "50, component 2 at byte 5: a component follows the path protocol unix",
        "900302" + "612f, unix path 'a/' must be absolute",
        "9003012f, unix path '/' must be absolute, non-empty and not end with '/'",
        // go-multiaddr TestInvalidP2PAddrBytes: a p2p value that is no valid multihash
        "a503221221c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad6,"
                + " p2p value: multihash declares a 33-byte digest",
        "d20302" + "1201, certhash value: multihash declares a 1-byte digest",
        "0601bb" + "a202" + "80, component 3 at byte 5: truncated varint",
        "0601bb" + "a202" + "00, component 3 at byte 5: unknown protocol code 0",
    })
    void invalidBinaryFormsAreRejectedSayingWhatAndWhere(String hex, String message) {
        assertThatThrownBy(() -> Multiaddr.fromBytes(Hex.bytes(hex)))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void parseErrorsNameTheAddressAndTheProblem() {
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tcp/65536"))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("invalid multiaddr '/ip4/1.2.3.4/tcp/65536': 65536 is out of range for tcp (0 to 65535)");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tpc/80"))
                .hasMessage("invalid multiaddr '/ip4/1.2.3.4/tpc/80': unknown protocol 'tpc'");
        assertThatThrownBy(() -> Multiaddr.parse("/ip6/fe80::1%eth0"))
                .hasMessageContaining("write a zone as /ip6zone/<zone> before /ip6, not with '%'");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/01.2.3.4"))
                .hasMessageContaining("'01.2.3.4' is not a valid ip4 address: octet at position 0 has a leading zero");
        assertThatThrownBy(() -> Multiaddr.parse("x".repeat(Multiaddr.MAX_TEXT_LENGTH + 1)))
                .hasMessage("multiaddr of 4097 characters exceeds 4096");
    }

    /** RFC 5952 canonical text for ip6 values (js-multiaddr "normalize" cases and RFC 5952's own). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0001:08a0:00c5:4201:3ac9:86ff:fe31:0709, 1:8a0:c5:4201:3ac9:86ff:fe31:709",
        "0000:0000:0000:0000:0000:0000:0000:0001, ::1",
        "::00:0:000:0:001, ::1",
        "::101.45.75.219, ::652d:4bdb",
        "::1.45.5.219, ::12d:5db",
        "0:00:0000:0002:0000:059c:0a24:0801, ::2:0:59c:a24:801",
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "::, ::",
        "1::, 1::",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
        "::ffff:127.0.0.1, ::ffff:127.0.0.1",
        "::FFFF:7f00:1, ::ffff:127.0.0.1",
        "fe80::1:2:3:4:5, fe80::1:2:3:4:5",
        "fe80:0:1:2:3:4:5:6, fe80:0:1:2:3:4:5:6",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    })
    void ip6ValuesPrintInCanonicalForm(String input, String canonical) {
        assertThat(Multiaddr.parse("/ip6/" + input).toString()).isEqualTo("/ip6/" + canonical);
        assertThat(Multiaddr.parse("/ip6/" + canonical).toString()).isEqualTo("/ip6/" + canonical);
    }

    @Test
    void ip6ParsingAgreesWithTheJdkOnLiterals() throws Exception {
        for (String literal : List.of("::1", "2001:db8::1", "fe80::1:2:3:4:5", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8")) {
            byte[] jdk = InetAddress.getAllByName(literal)[0].getAddress(); // a literal: no lookup
            byte[] ours = Multiaddr.parse("/ip6/" + literal).components().get(0).value();
            if (jdk.length == 4) { // the JDK turns v4-mapped literals into IPv4 addresses
                assertThat(java.util.Arrays.copyOfRange(ours, 12, 16)).isEqualTo(jdk);
            } else {
                assertThat(ours).as(literal).isEqualTo(jdk);
            }
        }
    }

    @Test
    void unixPathsTakeTheRestOfTheAddress() {
        Multiaddr ma = Multiaddr.parse("/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f");

        assertThat(ma.valueOf(MultiaddrProtocol.UNIX)).contains("/a/b/c/d/e/f");
        assertThat(ma.toString()).isEqualTo("/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f");
        assertThat(Multiaddr.parse("/unix/a/b/").toString()).isEqualTo("/unix/a/b");
        Multiaddr unix = Multiaddr.parse("/unix/tmp/p2p.sock");
        assertThatThrownBy(() -> unix.encapsulate(Multiaddr.parse("/tcp/1")))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("unix takes the rest of the address, so it must be the last component");
        assertThat(Multiaddr.parse("/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP/unix/a/b/c")
                        .toString())
                .isEqualTo("/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP/unix/a/b/c");
    }

    /** go-multiaddr TestHTTPPath and the http-path spec's examples. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/http-path/tmp%2Fbar, tmp/bar, /http-path/tmp%2Fbar",
        "/http-path/api%2Fv0%2Flogin, api/v0/login, /http-path/api%2Fv0%2Flogin",
        "/http-path/a%2520space, a%20space, /http-path/a%2520space",
        "/http-path/.well-known%2flibp2p, .well-known/libp2p, /http-path/.well-known%2Flibp2p",
        "/http-path/a+b, a+b, /http-path/a%2Bb",
        "/http-path/caf%C3%A9, café, /http-path/caf%C3%A9",
    })
    void httpPathsArePercentEncodedPathSegments(String text, String path, String canonical) {
        Multiaddr ma = Multiaddr.parse(text);

        assertThat(new String(ma.components().get(0).value(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(path);
        assertThat(ma.toString()).isEqualTo(canonical);
        assertThat(Multiaddr.parse(canonical)).isEqualTo(ma);
        assertThat(Multiaddr.parse("/http-path/tmp%2Fbar/p2p-circuit").valueOf(MultiaddrProtocol.HTTP_PATH))
                .contains("tmp%2Fbar");
    }

    @Test
    void httpPathsCarryAnyBytes() {
        byte[] bytes = {0, (byte) 0xff, '/', '%'};
        Multiaddr ma = Multiaddr.of(List.of(new Multiaddr.Component(MultiaddrProtocol.HTTP_PATH, bytes)));

        assertThat(ma.toString()).isEqualTo("/http-path/%00%FF%2F%25");
        assertThat(Multiaddr.parse(ma.toString())).isEqualTo(ma);
    }

    @Test
    void zonesAreTheirOwnComponent() throws Exception {
        Multiaddr ma = Multiaddr.parse("/ip6zone/eth0/ip6/fe80::1/tcp/4001");

        assertThat(ma.valueOf(MultiaddrProtocol.IP6ZONE)).contains("eth0");
        assertThat(Multiaddr.parse("/ip6zone/x%y/ip6/::").toString()).isEqualTo("/ip6zone/x%y/ip6/::");

        Inet6Address scoped = Inet6Address.getByAddress(null, Hex.bytes("fe80" + "00".repeat(13) + "01"), 3);
        Multiaddr fromSocket = Multiaddr.ofTcp(new InetSocketAddress(scoped, 4001));
        assertThat(fromSocket.toString()).isEqualTo("/ip6zone/3/ip6/fe80::1/tcp/4001");
        InetSocketAddress back = fromSocket.toTcpSocketAddress().orElseThrow();
        assertThat(back.getAddress()).isEqualTo(scoped);
        assertThat(((Inet6Address) back.getAddress()).getScopeId()).isEqualTo(3);
        assertThat(back.getPort()).isEqualTo(4001);
        assertThat(Multiaddr.parse("/ip6zone/no-such-interface-here/ip6/fe80::1/tcp/1")
                        .toTcpSocketAddress())
                .isEmpty();
    }

    @Test
    void socketAddressesConvertWithoutLookups() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 4001);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByAddress(Hex.bytes("00".repeat(15) + "01")), 1);

        assertThat(Multiaddr.ofTcp(v4).toString()).isEqualTo("/ip4/127.0.0.1/tcp/4001");
        assertThat(Multiaddr.ofTcp(v6).toString()).isEqualTo("/ip6/::1/tcp/1");
        assertThat(Multiaddr.ofTcp(v4).toTcpSocketAddress()).contains(v4);
        assertThat(Multiaddr.ofTcp(v6).toTcpSocketAddress()).contains(v6);
        assertThat(Multiaddr.parse("/ip4/127.0.0.1/udp/1").toTcpSocketAddress()).isEmpty();
        assertThat(Multiaddr.parse("/dns4/localhost/tcp/1").toTcpSocketAddress())
                .isEmpty();
        assertThatThrownBy(() -> Multiaddr.ofTcp(InetSocketAddress.createUnresolved("localhost", 1)))
                .isInstanceOf(MultiformatException.class);
    }

    @Test
    void encapsulateAppends() {
        Multiaddr udp = Multiaddr.parse("/ip4/127.0.0.1/udp/1234");

        assertThat(udp.encapsulate(Multiaddr.parse("/udp/5678")).toString())
                .isEqualTo("/ip4/127.0.0.1/udp/1234/udp/5678");
        assertThat(Multiaddr.parse("/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095")
                        .encapsulate(Multiaddr.parse("/tcp/8000"))
                        .encapsulate(Multiaddr.parse("/ws"))
                        .encapsulate(Multiaddr.parse("/ipfs/" + RSA_PEER))
                        .toString())
                .isEqualTo("/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095/tcp/8000/ws/p2p/" + RSA_PEER);
    }

    /** go-multiaddr TestDecapsulate: left, right, what remains ("" for nothing). */
    @ParameterizedTest(name = "{0} - {1}")
    @CsvSource({
        "/ip4/1.2.3.4/tcp/1234, /ip4/1.2.3.4, ''",
        "/ip4/1.2.3.4, /ip4/1.2.3.4/tcp/1234, /ip4/1.2.3.4",
        "/ip4/1.2.3.5/tcp/1234, /ip4/5.3.2.1, /ip4/1.2.3.5/tcp/1234",
        "/ip4/1.2.3.5/udp/1234/quic-v1, /udp/1234, /ip4/1.2.3.5",
        "/ip4/1.2.3.6/udp/1234/quic-v1, /udp/1234/quic-v1, /ip4/1.2.3.6",
        "/ip4/1.2.3.7/tcp/1234, /ws, /ip4/1.2.3.7/tcp/1234",
        "/dnsaddr/wss.com/tcp/4001, /ws, /dnsaddr/wss.com/tcp/4001",
        "/dnsaddr/wss.com/tcp/4001/ws, /wss, /dnsaddr/wss.com/tcp/4001/ws",
        "/dnsaddr/wss.com/ws, /wss, /dnsaddr/wss.com/ws",
        "/dnsaddr/wss.com/ws, /dnsaddr/wss.com, ''",
        "/dnsaddr/wss.com/tcp/4001/wss, /wss, /dnsaddr/wss.com/tcp/4001",
        "/ip4/127.0.0.1/udp/1234/udp/5678, /udp/5678, /ip4/127.0.0.1/udp/1234",
    })
    void decapsulateRemovesTheLastOccurrenceAndWhatFollows(String left, String right, String expected) {
        var rest = Multiaddr.parse(left).decapsulate(Multiaddr.parse(right));

        if (expected.isEmpty()) {
            assertThat(rest).isEmpty();
        } else {
            assertThat(rest).contains(Multiaddr.parse(expected));
        }
    }

    @Test
    void decapsulateByProtocol() {
        Multiaddr relay = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + RSA_PEER + "/p2p-circuit/p2p/" + ED25519_PEER);

        assertThat(relay.decapsulate(MultiaddrProtocol.P2P).toString())
                .isEqualTo("/ip4/1.2.3.4/tcp/1/p2p/" + RSA_PEER + "/p2p-circuit");
        assertThat(relay.decapsulate(MultiaddrProtocol.P2P_CIRCUIT).toString())
                .isEqualTo("/ip4/1.2.3.4/tcp/1/p2p/" + RSA_PEER);
        assertThat(relay.decapsulate(MultiaddrProtocol.UDP)).isSameAs(relay);
        assertThat(relay.decapsulate(MultiaddrProtocol.IP4)).isSameAs(relay); // never empty
    }

    @Test
    void peerIdOfRelayedAddressesIsTheTarget() {
        PeerId relayPeer = PeerId.parse(RSA_PEER);
        PeerId target = PeerId.parse(ED25519_PEER);
        Multiaddr relay = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + RSA_PEER);
        Multiaddr circuit = relay.encapsulate(Multiaddr.parse("/p2p-circuit"));

        assertThat(relay.peerId()).contains(relayPeer);
        assertThat(circuit.peerId()).isEmpty(); // names the relay, not a peer behind it
        assertThat(circuit.withPeerId(target).toString())
                .isEqualTo("/ip4/1.2.3.4/tcp/1/p2p/" + RSA_PEER + "/p2p-circuit/p2p/" + ED25519_PEER);
        assertThat(circuit.withPeerId(target).peerId()).contains(target);
        assertThat(Multiaddr.parse("/p2p-circuit/p2p/" + ED25519_PEER).peerId()).contains(target);
        assertThat(Multiaddr.parse("/ip4/1.2.3.4/tcp/1").peerId()).isEmpty();
        assertThat(Multiaddr.parse("/p2p/" + ED25519_PEER + "/http-path/foo").peerId())
                .contains(target);
    }

    @Test
    void withPeerIdReplacesATrailingPeer() {
        PeerId a = PeerId.parse(RSA_PEER);
        PeerId b = PeerId.parse(ED25519_PEER);
        Multiaddr tcp = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");

        assertThat(tcp.withPeerId(a).toString()).isEqualTo("/ip4/1.2.3.4/tcp/1/p2p/" + RSA_PEER);
        assertThat(tcp.withPeerId(a).withPeerId(b).toString()).isEqualTo("/ip4/1.2.3.4/tcp/1/p2p/" + ED25519_PEER);
        assertThat(tcp.withPeerId(a).withoutPeerId()).isEqualTo(tcp);
        assertThat(tcp.withoutPeerId()).isSameAs(tcp);
        Multiaddr bare = Multiaddr.parse("/p2p/" + RSA_PEER);
        assertThat(bare.withPeerId(b).toString()).isEqualTo("/p2p/" + ED25519_PEER);
        assertThat(bare.withoutPeerId()).isSameAs(bare);
    }

    @Test
    void componentsAreCheckedWhenBuilt() {
        assertThatThrownBy(() -> new Multiaddr.Component(MultiaddrProtocol.IP4, new byte[3]))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("ip4 values are 4 bytes, not 3");
        assertThatThrownBy(() -> new Multiaddr.Component(MultiaddrProtocol.P2P, new byte[] {0x12, 0x01, 0}))
                .isInstanceOf(MultiformatException.class);
        assertThatThrownBy(() -> new Multiaddr.Component(MultiaddrProtocol.WS, new byte[1]))
                .hasMessage("ws takes no value, got 1 bytes");
        assertThatThrownBy(() -> Multiaddr.of(List.of())).hasMessage("empty multiaddr");
        Multiaddr.Component tcp = new Multiaddr.Component(MultiaddrProtocol.TCP, new byte[] {0, 80});
        assertThat(tcp.valueString()).isEqualTo("80");
        assertThat(new Multiaddr.Component(MultiaddrProtocol.WS, new byte[0]).valueString())
                .isEmpty();
        assertThatThrownBy(() -> Multiaddr.of(java.util.Collections.nCopies(Multiaddr.MAX_COMPONENTS + 1, tcp)))
                .hasMessage("multiaddr has more than 32 components");
    }

    @Test
    void memoryAddressesAreUnsigned64BitNumbers() {
        assertThat(Multiaddr.parse("/memory/0").toString()).isEqualTo("/memory/0");
        assertThat(Multiaddr.parse("/memory/18446744073709551615").bytes()).hasSize(10);
        assertThatThrownBy(() -> Multiaddr.parse("/memory/18446744073709551616"))
                .hasMessageContaining("exceeds 64 bits");
        assertThatThrownBy(() -> Multiaddr.parse("/memory/test")).hasMessageContaining("not a valid memory address");
    }
}
