package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers from the CID spec (github.com/multiformats/cid) and go-cid's cid_test.go. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CidTest {
    private static final String V0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    /** The same content as {@link #V0} in CIDv1, base32: a pair IPFS tooling publishes together. */
    private static final String V0_AS_V1 = "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

    @Test
    void cidV0RoundTrips() {
        Cid cid = Cid.parse(V0);

        assertThat(cid.version()).isZero();
        assertThat(cid.codec()).isEqualTo(Cid.DAG_PB);
        assertThat(cid.multihash().code()).isEqualTo(Multihash.SHA2_256);
        assertThat(cid.toString()).isEqualTo(V0);
        assertThat(cid.bytes()).isEqualTo(Base58.decode(V0)).hasSize(34);
        assertThat(Cid.fromBytes(cid.bytes())).isEqualTo(cid);
    }

    @Test
    void cidV0ConvertsToV1() {
        Cid v0 = Cid.parse(V0);
        Cid v1 = v0.toV1();

        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.toString()).isEqualTo(V0_AS_V1);
        assertThat(Hex.of(v1.bytes())).isEqualTo("0170" + Hex.of(v0.bytes()));
        assertThat(Cid.parse(V0_AS_V1)).isEqualTo(v1).isNotEqualTo(v0);
        assertThat(v1.multihash()).isEqualTo(v0.multihash());
        assertThat(v1.toV1()).isSameAs(v1);
        assertThatThrownBy(() -> v0.toString(Multibase.BASE32)).isInstanceOf(IllegalStateException.class);
    }

    /** The spec's "human readable CID" example. */
    @Test
    void specExampleIsARawSha256CidV1() {
        Cid cid = Cid.parse("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA");

        assertThat(cid.version()).isEqualTo(1);
        assertThat(cid.codec()).isEqualTo(Cid.RAW);
        assertThat(cid.multihash().code()).isEqualTo(Multihash.SHA2_256);
        assertThat(Hex.of(cid.multihash().digest()))
                .isEqualTo("6e6ff7950a36187a801613426e858dce686cd7d7e3c0fc42ee0330072d245c95");
        assertThat(cid.toString(Multibase.BASE58_BTC)).isEqualTo("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA");
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        assertThat(cid.toString()).startsWith("bafkrei"); // base32 is the default for CIDv1
    }

    /** go-cid TestHexDecode: the same CID in base16 and base58btc. */
    @Test
    void goCidHexVector() {
        Cid cid = Cid.parse("f015512209d8453505bdc6f269678e16b3e56c2a2948a41f2c792617cc9611ed363c95b63");

        assertThat(cid.toString(Multibase.BASE58_BTC)).isEqualTo("zb2rhhFAEMepUBbGyP1k8tGfz7BSciKXP6GHuUeUsJBaK6cqG");
        assertThat(Cid.parse("zb2rhhFAEMepUBbGyP1k8tGfz7BSciKXP6GHuUeUsJBaK6cqG"))
                .isEqualTo(cid);
        assertThat(Cid.parse(cid.toString(Multibase.BASE36_UPPER))).isEqualTo(cid);
    }

    @Test
    void codecsAndHashesBeyondOneByteRoundTrip() {
        Cid cid = Cid.v1(0x300001, Multihash.of(0xb220, new byte[32]));

        assertThat(Hex.of(cid.bytes()))
                .isEqualTo("01" + Hex.of(Varint.encode(0x300001)) + "a0e40220" + "00".repeat(32));
        assertThat(Varint.encode(0x300001)).hasSize(4);
        assertThat(Cid.fromBytes(cid.bytes())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource({
        "'', empty CID",
        "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zIII, invalid base58btc character U+0049 at position 43",
        "zQmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n, must not start with byte 0x12",
        "f1220" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,"
                + " CIDv0 is written only in bare base58btc",
        "f0270" + "1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, CID version 2 is reserved",
        "f0570" + "1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,"
                + " malformed CID: version 5 is neither 0 nor 1",
        "f0170" + "1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85500,"
                + " CID has 1 trailing bytes after its multihash at byte 36",
        "f0170" + "1221e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,"
                + " declares a 33-byte digest at byte 4 but only 32 bytes follow",
        "f0180, CID codec at byte 1: truncated varint",
        "f01, CID codec at byte 1: truncated varint",
        "f8100, CID version at byte 0: varint is not minimally encoded",
    })
    void rejectsMalformedCidsSayingWhatAndWhere(String text, String message) {
        assertThatThrownBy(() -> Cid.parse(text))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsMalformedBinaryCids() {
        assertThatThrownBy(() -> Cid.fromBytes(new byte[0]))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("empty CID");
        byte[] shortV0 = Hex.bytes("1220" + "00".repeat(31));
        assertThatThrownBy(() -> Cid.fromBytes(shortV0))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("must be exactly 34 bytes");
        assertThatThrownBy(() -> Cid.v0(Multihash.of(Multihash.SHA2_256, new byte[20])))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("CIDv0 requires a 32-byte sha2-256 multihash");
        assertThatThrownBy(() -> Cid.v1(-1, Multihash.sha256(new byte[0]))).isInstanceOf(MultiformatException.class);
    }
}
