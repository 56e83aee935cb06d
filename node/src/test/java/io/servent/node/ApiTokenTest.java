package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ApiTokenTest {
    @Test
    void matchesOnlyItsOwnBearerHeader() {
        ApiToken token = ApiToken.generate();
        assertThat(token.value()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(token.matchesHeader("Bearer " + token.value())).isTrue();
        assertThat(token.matchesHeader("bearer " + token.value())).isTrue();
        assertThat(token.matchesHeader(token.value())).isFalse();
        assertThat(token.matchesHeader("Bearer " + token.value() + "x")).isFalse();
        assertThat(token.matchesHeader("Bearer " + ApiToken.generate().value())).isFalse();
        assertThat(token.matchesHeader("Basic " + token.value())).isFalse();
        assertThat(token.matchesHeader("Bearer ")).isFalse();
        assertThat(token.matchesHeader("Bearer " + "x".repeat(10_000))).isFalse();
    }

    @Test
    void neverPrintsItself() {
        ApiToken token = ApiToken.generate();
        assertThat(token.toString()).doesNotContain(token.value());
    }

    @Test
    void parsesTheFileContents() {
        assertThat(ApiToken.of("abc_-9\n").value()).isEqualTo("abc_-9");
        assertThatThrownBy(() -> ApiToken.of("  \n")).hasMessageContaining("URL-safe");
        assertThatThrownBy(() -> ApiToken.of("a b")).hasMessageContaining("URL-safe");
    }
}
