package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PeerIds of the peer-ids spec's key vectors (the strings as published alongside them by other
 * implementations, e.g. hs-libp2p's SpecVectorsSpec), the spec's own examples, and the PeerIds in
 * go-multiaddr's multiaddr_test.go, which give one peer in base58, base32 and base36.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerIdTest {
    @Test
    void specEd25519KeyHasItsPublishedPeerIdInEveryForm() {
        PublicKey key = PublicKey.unmarshal(Hex.bytes(KeysTest.SPEC_ED25519_PUBLIC));
        PeerId id = key.peerId();

        assertThat(id.toString()).isEqualTo("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
        assertThat(id.toCid().toString())
                .isEqualTo("bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6");
        assertThat(Hex.of(id.bytes())).isEqualTo("0024" + KeysTest.SPEC_ED25519_PUBLIC);
        assertThat(id.multihash().code()).isEqualTo(Multihash.IDENTITY);
        assertThat(id.publicKey()).contains(key);
        assertThat(id.matches(key)).isTrue();
        assertThat(PrivateKey.unmarshal(Hex.bytes(KeysTest.SPEC_ED25519_PRIVATE))
                        .publicKey()
                        .peerId())
                .isEqualTo(id);
        for (String form : new String[] {
            "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
            "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6",
            id.toCid().toString(Multibase.BASE36),
            id.toCid().toString(Multibase.BASE32_UPPER),
            id.toCid().toString(Multibase.BASE58_BTC),
        }) {
            assertThat(PeerId.parse(form)).as(form).isEqualTo(id);
        }
    }

    /** go-multiaddr lists this Ed25519 peer in all three forms. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
        "bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u",
        "k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs",
    })
    void ed25519PeerIdFormsFromGoMultiaddr(String text) {
        PeerId id = PeerId.parse(text);

        assertThat(id.toString()).isEqualTo("12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV");
        assertThat(id.toCid().toString())
                .isEqualTo("bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u");
        assertThat(id.toCid().toString(Multibase.BASE36))
                .isEqualTo("k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs");
        assertThat(id.publicKey()).get().extracting(PublicKey::type).isEqualTo(KeyType.ED25519);
    }

    /** sha2-256 PeerIds (RSA-era): the spec's example and go-multiaddr's, in base58, base32 and base36. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N, QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
        "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe, QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
        "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC, QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm, QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7, QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
    })
    void sha256PeerIdsParseWithoutAKey(String text, String base58) {
        PeerId id = PeerId.parse(text);

        assertThat(id.toString()).isEqualTo(base58);
        assertThat(id.multihash().code()).isEqualTo(Multihash.SHA2_256);
        assertThat(id.publicKey()).isEmpty();
        assertThat(PeerId.parse(id.toCid().toString())).isEqualTo(id);
    }

    /** Key types servent does not implement still have PeerIds, computed as the spec says. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "secp256k1, " + KeysTest.SPEC_SECP256K1_PUBLIC + ", 16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY,"
                + " bafzaajiiaijcca3xo7uzjzcsyilaj6i54cj44qk7kqzpoao5rti2pjx6udtdbp6kte",
        "ECDSA, " + KeysTest.SPEC_ECDSA_PUBLIC + ", QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk,"
                + " bafzbeidigywdclqvl5hxfefwp5onbffcfife7pza57mmfb4tiqmtkdjw64",
        "RSA, " + KeysTest.SPEC_RSA_PUBLIC + ", QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG,"
                + " bafzbeifwzcumbiyql7bhv7fe7mixg6i7aohegq75k234m63bnw6dbicmzu",
    })
    void unsupportedKeyTypesHavePeerIdsButNoPublicKey(String type, String protobuf, String base58, String cid) {
        byte[] key = Hex.bytes(protobuf);
        Multihash mh = key.length <= 42 ? Multihash.identity(key) : Multihash.sha256(key);

        PeerId id = PeerId.fromBytes(mh.bytes());

        assertThat(id.toString()).isEqualTo(base58);
        assertThat(id.toCid().toString()).isEqualTo(cid);
        assertThat(PeerId.parse(base58)).isEqualTo(id);
        assertThat(PeerId.parse(cid)).isEqualTo(id);
        assertThat(id.publicKey()).isEmpty();
        assertThatThrownBy(() -> PublicKey.unmarshal(key))
                .isInstanceOf(MultiformatException.class)
                .hasMessageStartingWith("unsupported key type");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource({
        "'', empty PeerId",
        "k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z, codec 0x70, not a libp2p-key (0x72) CIDv1",
        "k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl-, invalid base36 character U+002D",
        "?unknownmultibase, unknown or unsupported multibase prefix U+003F",
        "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n0, invalid base58btc character U+0030 at position 46",
        "QmxoHT6iViN5xAjoz1VZ553cL31U9F94ht3QvWR1FrEbZY, declares a 33-byte digest at byte 2",
        "1, truncated varint",
        "8xyz, unknown or unsupported multibase prefix U+0038",
    })
    void rejectsWhatIsNotAPeerIdSayingWhy(String text, String message) {
        assertThatThrownBy(() -> PeerId.parse(text))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsMultihashesNoPeerIdUses() {
        assertThatThrownBy(() -> PeerId.fromBytes(
                        Multihash.of(Multihash.SHA2_256, new byte[20]).bytes()))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("sha2-256 PeerIds have a 32-byte digest, not 20 bytes");
        assertThatThrownBy(() -> PeerId.fromBytes(
                        Multihash.of(Multihash.SHA1, new byte[20]).bytes()))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("PeerIds use identity or sha2-256 multihashes, not code 0x11");
        byte[] longKey = KeyProtobuf.encode(KeyType.SECP256K1, new byte[39]); // 43 bytes
        assertThatThrownBy(() -> PeerId.fromBytes(Multihash.identity(longKey).bytes()))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("inline keys of at most 42 bytes");
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2; // y = 2 is on no Ed25519 point
        String id = Base58.encode(Multihash.identity(KeyProtobuf.encode(KeyType.ED25519, notAPoint))
                .bytes());
        assertThatThrownBy(() -> PeerId.parse(id))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("does not encode a point on the curve");
        assertThatThrownBy(() -> PeerId.fromBytes(
                        Multihash.identity(new byte[] {1, 2, 3}).bytes()))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("inlined public key protobuf");
    }

    @Test
    void generatedIdsRoundTripThroughEveryForm() {
        Ed25519PrivateKey key = Ed25519PrivateKey.generate();
        PeerId id = key.publicKey().peerId();

        assertThat(id.toString()).startsWith("12D3KooW");
        assertThat(id.toCid().toString()).startsWith("bafzaa");
        assertThat(id.toCid().toString(Multibase.BASE36)).startsWith("k51");
        assertThat(PeerId.parse(id.toString())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid().toString())).isEqualTo(id);
        assertThat(PeerId.fromBytes(id.bytes())).isEqualTo(id);
        assertThat(id.publicKey()).contains(key.publicKey());
        assertThat(id.matches(Ed25519PrivateKey.generate().publicKey())).isFalse();
        assertThat(id.shortString()).isEqualTo("…" + id.toString().substring(46));
    }
}
