package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ByteSizeTest {
    @Test
    void parsesUnits() {
        assertThat(ByteSize.parse("1048576")).isEqualTo(1 << 20);
        assertThat(ByteSize.parse("256MiB")).isEqualTo(256L << 20);
        assertThat(ByteSize.parse("8 MiB")).isEqualTo(8L << 20);
        assertThat(ByteSize.parse("1GB")).isEqualTo(1_000_000_000L);
        assertThat(ByteSize.parse("1.5kib")).isEqualTo(1536);
        assertThat(ByteSize.parse("2 KB")).isEqualTo(2000);
        assertThat(ByteSize.parse("0")).isZero();
    }

    @Test
    void rejectsNonsenseWithAReadableMessage() {
        assertThatThrownBy(() -> ByteSize.parse("lots")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSize.parse("5 parsecs")).hasMessageContaining("unknown unit 'parsecs'");
        assertThatThrownBy(() -> ByteSize.parse("5 zb")).hasMessageContaining("unknown unit 'zb'");
        assertThatThrownBy(() -> ByteSize.parse("-1")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSize.parse("99999999999 TiB")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSize.parse("1.5")).hasMessageContaining("whole number");
    }

    @Test
    void formatsCompactly() {
        assertThat(ByteSize.format(512)).isEqualTo("512 B");
        assertThat(ByteSize.format(64 << 10)).isEqualTo("64 KiB");
        assertThat(ByteSize.format(3L << 29)).isEqualTo("1.5 GiB");
    }
}
