package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known answers from the multihash spec's README and tests/values/test_cases.csv
 * (github.com/multiformats/multihash) and go-multihash's multihash_test.go.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MultihashTest {
    @Test
    void readmeSha256ExampleInHexAndBase58() {
        Multihash mh = Multihash.sha256("multihash".getBytes(StandardCharsets.UTF_8));

        assertThat(Hex.of(mh.bytes()))
                .isEqualTo("12209cbc07c3f991725836a3aa2a581ca2029198aa420b9d99bc0e131d9f3e2cbe47");
        assertThat(Base58.encode(mh.bytes())).isEqualTo("QmYtUc4iTCbbfVSDNKvtQqrfyezPPnFvE33wFmutw9PBBk");
        assertThat(Multihash.decode(Base58.decode("QmYtUc4iTCbbfVSDNKvtQqrfyezPPnFvE33wFmutw9PBBk")))
                .isEqualTo(mh);
    }

    @Test
    void readmeSha1ExampleDecodes() {
        Multihash mh = Multihash.decode(Base58.decode("5dsgvJGnvAfiR3K6HCBc4hcokSfmjj"));

        assertThat(mh.code()).isEqualTo(Multihash.SHA1);
        assertThat(Hex.of(mh.digest())).isEqualTo("88c2f11fb2ce392acb5b2986e640211c4690073e");
        assertThat(Hex.of(mh.bytes())).isEqualTo("111488c2f11fb2ce392acb5b2986e640211c4690073e");
    }

    /**
     * Rows of tests/values/test_cases.csv: full and truncated digests of the same input, which the
     * generator hashed as ASCII text.
     */
    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({
        "sha2-256, 256, 431fb5d4c9b735ba1a34d0df045118806ae2336f2c,"
                + " 1220ffb31f07aa15348368c90c73a834dbf9f8710365860fa0fd4ddce9ac2782cc17",
        "sha2-256, 160, 431fb5d4c9b735ba1a34d0df045118806ae2336f2c, 1214ffb31f07aa15348368c90c73a834dbf9f8710365",
        "sha2-256, 80, 431fb5d4c9b735ba1a34d0df045118806ae2336f2c, 120affb31f07aa15348368c9",
        "sha2-256, 256, 2d6db2d7882fa8b7d56e74b8e24036deb475de8c94,"
                + " 12203afa34fba2f3572ac56d80f52002e8727dd95f17a2e7c9376a3147a96d3e78ac",
        "sha2-512, 512, 6c00022ba29d15926c4580332ded091e666f0ec5d9,"
                + " 1340a1e9a63a3835d69983dddefe78f1d9b233c9844d42ac14bb4e62d39f1f007b350dc152a0b3f3cbd20bfdf0e19d9b"
                + "62ca71f1ae8a8c7e67268ca92325d549deb3",
        "sha2-512, 80, 6c00022ba29d15926c4580332ded091e666f0ec5d9, 130aa1e9a63a3835d69983dd",
        "sha1, 160, 431fb5d4c9b735ba1a34d0df045118806ae2336f2c, 1114e861e452cfd84dca9a176258c3d06e020a0c93d8",
    })
    void specTestCasesDecodeAndMatchTheJdkHash(String algorithm, int bits, String input, String multihash)
            throws Exception {
        Multihash mh = Multihash.decode(Hex.bytes(multihash));
        String jdkName =
                switch (algorithm) {
                    case "sha1" -> "SHA-1";
                    case "sha2-256" -> "SHA-256";
                    default -> "SHA-512";
                };
        byte[] ascii = input.getBytes(StandardCharsets.US_ASCII);
        byte[] full = java.security.MessageDigest.getInstance(jdkName).digest(ascii);

        assertThat(mh.digestLength()).isEqualTo(bits / 8);
        assertThat(mh.digest()).isEqualTo(java.util.Arrays.copyOf(full, bits / 8));
        assertThat(Multihash.of(mh.code(), mh.digest()).bytes()).isEqualTo(Hex.bytes(multihash));
        if (algorithm.equals("sha2-256") && bits == 256) {
            assertThat(Multihash.sha256(ascii)).isEqualTo(mh);
        }
    }

    /** go-multihash's identity cases, including the empty digest. */
    @ParameterizedTest(name = "identity of ''{0}''")
    @CsvSource({"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae, 0020", "'', 0000"})
    void identityInlinesTheData(String data, String header) {
        Multihash mh = Multihash.identity(Hex.bytes(data));

        assertThat(Hex.of(mh.bytes())).isEqualTo(header + data);
        assertThat(Multihash.decode(mh.bytes())).isEqualTo(mh);
    }

    @Test
    void decodePrefixLeavesTrailingBytesToTheCaller() {
        Multihash.Decoded d = Multihash.decodePrefix(Hex.bytes("ff 0003 616263 ee"), 1);

        assertThat(d.length()).isEqualTo(5);
        assertThat(d.multihash()).isEqualTo(Multihash.identity("abc".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "0003616263ee, multihash has 1 trailing bytes after its digest",
        "00, multihash digest length at byte 1: truncated varint",
        "0004616263, declares a 4-byte digest at byte 2 but only 3 bytes follow",
        "00818001, digest length 16385 at byte 1 exceeds 1024",
        "80, multihash code at byte 0: truncated varint",
        "ffffffff0f00, multihash code 4294967295 at byte 0 is out of range",
        "'', truncated varint",
    })
    void rejectsMalformedMultihashesSayingWhatAndWhere(String hex, String message) {
        assertThatThrownBy(() -> Multihash.decode(Hex.bytes(hex)))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesOversizeDigestsWhenBuilt() {
        assertThatThrownBy(() -> Multihash.identity(new byte[Multihash.MAX_DIGEST_LENGTH + 1]))
                .isInstanceOf(MultiformatException.class);
        assertThatThrownBy(() -> Multihash.decode(Hex.bytes("1221" + "00".repeat(33))))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("a multihash of code 0x12 has at most 32 digest bytes, not 33");
        assertThatThrownBy(() -> Multihash.decode(Hex.bytes("1115" + "00".repeat(21))))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("a multihash of code 0x11 has at most 20 digest bytes, not 21");
        assertThatThrownBy(() -> Multihash.of(Multihash.SHA2_256, new byte[33]))
                .isInstanceOf(MultiformatException.class)
                .hasMessage("a multihash of code 0x12 has at most 32 digest bytes, not 33");
    }
}
