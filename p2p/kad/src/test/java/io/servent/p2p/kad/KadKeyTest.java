package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Multihash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class KadKeyTest {
    @Test
    void keyIsTheSha256OfTheBytes() {
        byte[] input = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(KadKey.of(input).bytes())
                .isEqualTo(Multihash.sha256Digest().digest(input))
                .isEqualTo(HexFormat.of().parseHex("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
    }

    @Test
    void commonPrefixLengthCountsSharedLeadingBits() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        assertThat(KadKey.fromDigest(a).commonPrefixLength(KadKey.fromDigest(b)))
                .isEqualTo(256);
        b[0] = (byte) 0x80;
        assertThat(KadKey.fromDigest(a).commonPrefixLength(KadKey.fromDigest(b)))
                .isZero();
        b[0] = 0;
        b[8] = 0x01;
        assertThat(KadKey.fromDigest(a).commonPrefixLength(KadKey.fromDigest(b)))
                .isEqualTo(71);
        b[8] = 0;
        b[31] = 0x01;
        assertThat(KadKey.fromDigest(a).commonPrefixLength(KadKey.fromDigest(b)))
                .isEqualTo(255);
    }

    @Property(tries = 300)
    void distanceOrderMatchesTheXorAsAnInteger(
            @ForAll @Size(32) byte[] t, @ForAll @Size(32) byte[] a, @ForAll @Size(32) byte[] b) {
        KadKey target = KadKey.fromDigest(t);
        KadKey ka = KadKey.fromDigest(a);
        KadKey kb = KadKey.fromDigest(b);
        BigInteger da = new BigInteger(1, target.distance(ka));
        BigInteger db = new BigInteger(1, target.distance(kb));
        assertThat(Integer.signum(target.compareDistance(ka, kb))).isEqualTo(da.compareTo(db));
        assertThat(target.distance(ka)).isEqualTo(ka.distance(target));
        int cpl = target.commonPrefixLength(ka);
        assertThat(cpl).isEqualTo(da.signum() == 0 ? 256 : 256 - da.bitLength());
        for (int i = 0; i < Math.min(cpl, 256); i++) {
            assertThat(target.bit(i)).isEqualTo(ka.bit(i));
        }
        double normalized = target.normalizedDistance(ka);
        assertThat(normalized).isBetween(0.0, 1.0);
        assertThat(normalized)
                .isCloseTo(
                        new java.math.BigDecimal(da)
                                .divide(new java.math.BigDecimal(BigInteger.TWO.pow(256)))
                                .doubleValue(),
                        org.assertj.core.data.Offset.offset(1e-12));
    }
}
