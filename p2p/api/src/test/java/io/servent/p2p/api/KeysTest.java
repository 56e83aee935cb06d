package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ed25519 known answers from RFC 8032 section 7.1, and the key protobuf vectors of the libp2p
 * peer-ids spec (github.com/libp2p/specs, peer-ids/peer-ids.md "Test vectors").
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeysTest {
    static final String SPEC_ED25519_PRIVATE =
            "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
                    + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    static final String SPEC_ED25519_PUBLIC =
            "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    static final String SPEC_SECP256K1_PRIVATE =
            "0802122053DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB";
    static final String SPEC_SECP256K1_PUBLIC =
            "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99";
    static final String SPEC_ECDSA_PUBLIC = "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36"
            + "ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dce"
            + "c034e9f77c409e62";
    static final String SPEC_ECDSA_PRIVATE = "08031279307702010104203E5B1FE9712E6C314942A750BD67485DE3C1EFE85B1BFB520A"
            + "E8F9AE3DFA4A4CA00A06082A8648CE3D030107A14403420004DE3D300FA36AE0E8F5D530899D83ABAB44ABF3161F162A4BC901D"
            + "8E6ECDA020E8B6D5F8DA30525E71D6851510C098E5C47C646A597FB4DCEC034E9F77C409E62";
    /** The spec's RSA public key (a 4096-bit PKIX key), which PeerIdTest hashes. */
    static final String SPEC_RSA_PUBLIC = "080012a60430820222300d06092a864886f70d01010105000382020f003082020a02820201"
            + "00e1beab071d08200bde24eef00d049449b07770ff9910257b2d7d5dda242ce8f0e2f12e1af4b32d9efd2c090f66b0f29986dbb6"
            + "45dae9880089704a94e5066d594162ae6ee8892e6ec70701db0a6c445c04778eb3de1293aa1a23c3825b85c6620a2bc3f82f9b0c"
            + "309bc0ab3aeb1873282bebd3da03c33e76c21e9beb172fd44c9e43be32e2c99827033cf8d0f0c606f4579326c930eb4e854395ad"
            + "941256542c793902185153c474bed109d6ff5141ebf9cd256cf58893a37f83729f97e7cb435ec679d2e33901d27bb35aa0d7e205"
            + "61da08885ef0abbf8e2fb48d6a5487047a9ecb1ad41fa7ed84f6e3e8ecd5d98b3982d2a901b4454991766da295ab78822add5612"
            + "a2df83bcee814cf50973e80d7ef38111b1bd87da2ae92438a2c8cbcc70b31ee319939a3b9c761dbc13b5c086d6b64bf7ae7dacc1"
            + "4622375d92a8ff9af7eb962162bbddebf90acb32adb5e4e4029f1c96019949ecfbfeffd7ac1e3fbcc6b6168c34be3d5a2e5999fc"
            + "bb39bba7adbca78eab09b9bc39f7fa4b93411f4cc175e70c0a083e96bfaefb04a9580b4753c1738a6a760ae1afd851a1a4bdad23"
            + "1cf56e9284d832483df215a46c1c21bdf0c6cfe951c18f1ee4078c79c13d63edb6e14feaeffabc90ad317e4875fe648101b08640"
            + "97e998f0ca3025ef9638cd2b0caecd3770ab54a1d9c6ca959b0f5dcbc90caeefc4135baca6fd475224269bbe1b0203010001";

    /** RFC 8032 section 7.1, TEST 1 to 3: seed, public key, message, signature. */
    @ParameterizedTest(name = "RFC 8032 TEST {index}")
    @CsvSource({
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
                + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
                + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd2"
                + "5bf5f0595bbe24655141438e7a100b",
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
                + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
                + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c38"
                + "7b2eaeb4302aeeb00d291612bb0c00",
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
                + " fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82,"
                + " 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a"
                + "7c15e9716ed28dc027beceea1ec40a",
    })
    void rfc8032Vectors(String seed, String publicKey, String message, String signature) {
        Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(Hex.bytes(seed));
        byte[] msg = Hex.bytes(message);

        assertThat(Hex.of(key.publicKey().raw())).isEqualTo(publicKey);
        assertThat(Hex.of(key.sign(msg))).isEqualTo(signature);
        Ed25519PublicKey parsed = Ed25519PublicKey.fromRaw(Hex.bytes(publicKey));
        assertThat(parsed).isEqualTo(key.publicKey());
        assertThat(parsed.verify(msg, Hex.bytes(signature))).isTrue();
        byte[] tampered = Hex.bytes(signature);
        tampered[5] ^= 1;
        assertThat(parsed.verify(msg, tampered)).isFalse();
        assertThat(parsed.verify(new byte[] {1}, Hex.bytes(signature))).isFalse();
        assertThat(parsed.verify(msg, new byte[63])).isFalse();
    }

    @Test
    void allZeroSeedHasTheWellKnownPublicKey() {
        // go-libp2p's http auth tests marshal this key: 0801 1240 <32 zero bytes> 3b6a27bc….
        Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(new byte[32]);

        assertThat(Hex.of(key.marshal()))
                .isEqualTo("08011240" + "00".repeat(32)
                        + "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
    }

    @Test
    void specEd25519PrivateKeyYieldsTheSpecPublicKey() {
        PrivateKey key = PrivateKey.unmarshal(Hex.bytes(SPEC_ED25519_PRIVATE));
        PublicKey expected = PublicKey.unmarshal(Hex.bytes(SPEC_ED25519_PUBLIC));

        assertThat(key.type()).isEqualTo(KeyType.ED25519);
        assertThat(key.publicKey()).isEqualTo(expected);
        assertThat(Hex.of(key.marshal())).isEqualTo(SPEC_ED25519_PRIVATE);
        assertThat(Hex.of(key.publicKey().marshal())).isEqualTo(SPEC_ED25519_PUBLIC);
        byte[] signature = key.sign("libp2p".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(expected.verify("libp2p".getBytes(java.nio.charset.StandardCharsets.UTF_8), signature))
                .isTrue();
    }

    @Test
    void legacyNinetySixByteEd25519PrivateKeysAreAcceptedWhenBothCopiesMatch() {
        byte[] data = Hex.bytes(SPEC_ED25519_PRIVATE.substring(8) + SPEC_ED25519_PRIVATE.substring(8 + 64));
        byte[] legacy = KeyProtobuf.encode(KeyType.ED25519, data);

        PrivateKey key = PrivateKey.unmarshal(legacy);

        assertThat(Hex.of(key.marshal())).isEqualTo(SPEC_ED25519_PRIVATE); // written back in the preferred form
        data[95] ^= 1;
        assertThatThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, data)))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("Ed25519 private key's public key at byte 64 does not match the public key of its seed");
    }

    @Test
    void embeddedPublicKeyMustMatchTheSeed() {
        byte[] data = Hex.bytes(SPEC_ED25519_PRIVATE.substring(8));
        data[40] ^= 1;

        assertThatThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, data)))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("Ed25519 private key's public key at byte 32 does not match the public key of its seed");
        assertThatThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, new byte[32])))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("not 32");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "RSA, " + SPEC_RSA_PUBLIC,
        "Secp256k1, " + SPEC_SECP256K1_PUBLIC,
        "ECDSA, " + SPEC_ECDSA_PUBLIC,
    })
    void otherSpecPublicKeysAreRecognisedButUnsupported(String type, String hex) {
        assertThatThrownBy(() -> PublicKey.unmarshal(Hex.bytes(hex)))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("unsupported key type " + type + ": servent verifies only Ed25519 public keys");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Secp256k1, " + SPEC_SECP256K1_PRIVATE, "ECDSA, " + SPEC_ECDSA_PRIVATE})
    void otherSpecPrivateKeysAreRecognisedButUnsupported(String type, String hex) {
        assertThatThrownBy(() -> PrivateKey.unmarshal(Hex.bytes(hex)))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("unsupported key type " + type + ": servent supports only Ed25519 private keys");
    }

    /** The spec demands one encoding: Type then Data, both present, minimal varints, nothing else. */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "'', ends at byte 0 before its Type field",
        "0801, ends at byte 2 before its Data field",
        "1220" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e" + "0801,"
                + " has tag 0x12 at byte 0 where the Type field (tag 0x08) must be",
        "0801080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e,"
                + " has tag 0x08 at byte 2 where the Data field (tag 0x12) must be",
        "088100, Type at byte 1: varint is not minimally encoded",
        "0807, names unknown key type 7",
        "08011221" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e,"
                + " declares 33 Data bytes at byte 4 but 32 follow",
        "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e1a00,"
                + " declares 32 Data bytes at byte 4 but 34 follow",
        "080112a000" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e,"
                + " Data length at byte 3: varint is not minimally encoded",
        "08011221" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e00,"
                + " Ed25519 public keys are 32 bytes, not 33",
    })
    void rejectsNonCanonicalKeyProtobufsSayingWhatAndWhere(String hex, String message) {
        assertThatThrownBy(() -> PublicKey.unmarshal(Hex.bytes(hex)))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsEd25519EncodingsThatAreNoCurvePoint() {
        // y = 2 has no x on the curve; y = p (= 2^255 - 19) is a non-canonical encoding of 0;
        // y = 1 with the sign bit set would be -0.
        byte[] notOnCurve = new byte[32];
        notOnCurve[0] = 2;
        byte[] yEqualsP = Hex.bytes("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        byte[] negativeZero = new byte[32];
        negativeZero[0] = 1;
        negativeZero[31] = (byte) 0x80;

        for (byte[] raw : new byte[][] {notOnCurve, yEqualsP, negativeZero}) {
            assertThatThrownBy(() -> Ed25519PublicKey.fromRaw(raw))
                    .isInstanceOf(MultiformatException.class)
                    .hasMessageContaining("does not encode a point on the curve");
        }
        // y = 1, x = 0 is the neutral element: a valid (if useless) point.
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertThat(Ed25519PublicKey.fromRaw(identity).raw()).isEqualTo(identity);
    }

    @Test
    void generatedKeysRoundTripThroughTheirProtobufs() {
        Ed25519PrivateKey key = Ed25519PrivateKey.generate();
        PrivateKey back = PrivateKey.unmarshal(key.marshal());

        assertThat(back.publicKey()).isEqualTo(key.publicKey());
        assertThat(PublicKey.unmarshal(key.publicKey().marshal())).isEqualTo(key.publicKey());
        assertThat(Ed25519PrivateKey.fromRaw(key.raw()).publicKey()).isEqualTo(key.publicKey());
        assertThat(Ed25519PrivateKey.fromRaw(java.util.Arrays.copyOf(key.raw(), 32))
                        .publicKey())
                .isEqualTo(key.publicKey());
        byte[] signature = back.sign("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(key.publicKey().verify("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8), signature))
                .isTrue();
    }
}
