package io.servent.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** The control API's bearer token. Immutable and thread-safe. */
public final class ApiToken {
    private static final int BYTES = 32;
    private static final int MAX_LENGTH = 256;

    private final String value;

    private ApiToken(String value) {
        this.value = value;
    }

    static ApiToken generate() {
        byte[] bytes = new byte[BYTES];
        new SecureRandom().nextBytes(bytes);
        return new ApiToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** From the contents of {@code api.token} (surrounding whitespace ignored). */
    public static ApiToken of(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH || !trimmed.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("the API token must be 1-" + MAX_LENGTH + " URL-safe characters");
        }
        return new ApiToken(trimmed);
    }

    public String value() {
        return value;
    }

    /**
     * Whether an {@code Authorization} header carries this token. Compares in constant time so the
     * response time does not reveal how much of a guess was right.
     */
    public boolean matchesHeader(String header) {
        String prefix = "Bearer ";
        if (header.length() > prefix.length() + MAX_LENGTH
                || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        byte[] presented = header.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ApiToken[redacted]";
    }
}
