package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The multibase spec's test vectors (src/test/resources/multibase, copied from the spec repo) and
 * go-multibase's "Decentralize everything!!!" sample.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MultibaseTest {
    /** Bases in the spec's vectors that servent does not implement; every other row must pass. */
    private static final List<String> UNSUPPORTED = List.of(
            "base2",
            "base8",
            "base10",
            "base32hex",
            "base32hexupper",
            "base32pad",
            "base32padupper",
            "base32hexpad",
            "base32hexpadupper",
            "base32z",
            "base58flickr",
            "base256emoji");

    record Vector(String file, String base, String inputText, String encoded) {
        byte[] input() {
            return inputText.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return file + ": " + base + " " + encoded;
        }
    }

    static Stream<Arguments> canonicalVectors() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String file : List.of("basic.csv", "leading_zero.csv", "two_leading_zeros.csv")) {
            for (Vector v : read(file)) {
                out.add(Arguments.of(v));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canonicalVectors")
    void specVectorsEncodeAndDecode(Vector v) {
        Optional<Multibase> base = bySpecName(v.base());
        if (base.isEmpty()) {
            assertThat(UNSUPPORTED).contains(v.base());
            assertThatThrownBy(() -> Multibase.decode(v.encoded())).isInstanceOf(MultiformatException.class);
            return;
        }
        assertThat(base.get().encode(v.input())).isEqualTo(v.encoded());
        assertThat(Multibase.baseOf(v.encoded())).isEqualTo(base.get());
        assertThat(Multibase.decode(v.encoded())).isEqualTo(v.input());
    }

    @Test
    void everySupportedBaseHasSpecVectors() throws IOException {
        TreeSet<String> covered = new TreeSet<>();
        for (String file : List.of("basic.csv", "leading_zero.csv", "two_leading_zeros.csv")) {
            read(file).forEach(v -> covered.add(v.base()));
        }
        for (Multibase base : Multibase.values()) {
            assertThat(covered).contains(base.specName());
        }
    }

    /** "Differently cased than expected, must decode without errors." */
    @Test
    void caseInsensitiveBasesDecodeMixedCase() throws IOException {
        byte[] helloWorld = "hello world".getBytes(StandardCharsets.UTF_8);
        int checked = 0;
        for (Vector v : read("case_insensitivity.csv")) {
            if (bySpecName(v.base()).isEmpty()) {
                assertThat(UNSUPPORTED).contains(v.base());
                continue;
            }
            assertThat(v.input()).isEqualTo(helloWorld);
            assertThat(Multibase.decode(v.encoded())).as(v.toString()).isEqualTo(helloWorld);
            checked++;
        }
        assertThat(checked).isEqualTo(6); // base16, base32 and base36, each in both cases
    }

    /** go-multibase multibase_test.go encodedSamples for "Decentralize everything!!!". */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "f446563656e7472616c697a652065766572797468696e67212121",
        "F446563656E7472616C697A652065766572797468696E67212121",
        "birswgzloorzgc3djpjssazlwmvzhs5dinfxgoijbee",
        "BIRSWGZLOORZGC3DJPJSSAZLWMVZHS5DINFXGOIJBEE",
        "km552ng4dabi4neu1oo8l4i5mndwmpc3mkukwtxy9",
        "KM552NG4DABI4NEU1OO8L4I5MNDWMPC3MKUKWTXY9",
        "z36UQrhJq9fNDS7DiAHM9YXqDHMPfr4EMArvt",
        "mRGVjZW50cmFsaXplIGV2ZXJ5dGhpbmchISE",
        "uRGVjZW50cmFsaXplIGV2ZXJ5dGhpbmchISE",
        "MRGVjZW50cmFsaXplIGV2ZXJ5dGhpbmchISE=",
        "URGVjZW50cmFsaXplIGV2ZXJ5dGhpbmchISE=",
    })
    void goMultibaseSamples(String encoded) {
        byte[] sample = "Decentralize everything!!!".getBytes(StandardCharsets.UTF_8);

        assertThat(Multibase.decode(encoded)).isEqualTo(sample);
        assertThat(Multibase.baseOf(encoded).encode(sample)).isEqualTo(encoded);
    }

    @Test
    void emptyInputEncodesToJustThePrefixAndBack() {
        for (Multibase base : Multibase.values()) {
            assertThat(base.encode(new byte[0])).isEqualTo(String.valueOf(base.prefix()));
            assertThat(Multibase.decode(String.valueOf(base.prefix()))).isEmpty();
        }
        assertThat(Base58.encode(new byte[0])).isEmpty();
        assertThat(Base58.decode("")).isEmpty();
        assertThat(Base58.encode(new byte[3])).isEqualTo("111");
        assertThat(Base58.decode("111")).isEqualTo(new byte[3]);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "'', empty multibase string",
        "xabc, unknown or unsupported multibase prefix U+0078",
        "f0, base16 text has an odd length 1",
        "f0g, invalid base16 character U+0067 at position 1",
        "b1, base32 text of 1 characters has an impossible length",
        "bab, base32 text has non-zero unused bits in its last character",
        "bab4wk4zanvqw42jaef, base32 text has non-zero unused bits",
        "bpfsxgidnmfxgsib!, invalid base32 character U+0021 at position 15",
        "k!, invalid base36 character U+0021 at position 0",
        "z0, invalid base58btc character U+0030 at position 0",
        "zIl, invalid base58btc character U+0049 at position 0",
        "meWVzIG1hbmkgIQ==, base64 must not contain padding '=' (at position 14)",
        "MeWVzIG1hbmkgIQ, non-canonical base64pad text",
        "meWVzIG1hbmkgIR, non-canonical base64 text: unused trailing bits must be zero",
        "m-_, invalid base64 text",
        "u+/, invalid base64url text",
        "mA, invalid base64 text",
    })
    void rejectsMalformedTextSayingWhatAndWhere(String text, String message) {
        assertThatThrownBy(() -> Multibase.decode(text))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsNonAsciiLookalikes() {
        // A fullwidth digit and a Kelvin sign are letters or digits to Java, but not to multibase.
        for (String text : List.of("f\uFF10\uFF10", "k\u212A", "b\u212A\u212A", "z\u00A0", "m\u00E9")) {
            assertThatThrownBy(() -> Multibase.decode(text)).as(text).isInstanceOf(MultiformatException.class);
        }
    }

    @Test
    void refusesOversizeInputBeforeDecoding() {
        String tooLong = "f" + "0".repeat(Multibase.MAX_ENCODED_LENGTH + 2);
        assertThatThrownBy(() -> Multibase.decode(tooLong))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("exceeds " + Multibase.MAX_ENCODED_LENGTH);
        assertThatThrownBy(() -> Base58.decode("2".repeat(RadixCodec.MAX_DECODE_LENGTH + 1)))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("exceeds " + RadixCodec.MAX_DECODE_LENGTH);
    }

    private static Optional<Multibase> bySpecName(String name) {
        return Arrays.stream(Multibase.values())
                .filter(b -> b.specName().equals(name))
                .findFirst();
    }

    /** Reads a spec CSV: a header {@code encoding, "<input>"} then {@code <base>, "<encoded>"} rows. */
    private static List<Vector> read(String file) throws IOException {
        String text;
        try (InputStream in = MultibaseTest.class.getResourceAsStream("/multibase/" + file)) {
            if (in == null) {
                throw new IOException("missing test resource multibase/" + file);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        String input = quoted(lines.get(0)).replace("\\x00", "\0");
        List<Vector> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            out.add(new Vector(file, line.substring(0, line.indexOf(',')).trim(), input, quoted(line)));
        }
        return out;
    }

    private static String quoted(String line) {
        return line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
    }
}
