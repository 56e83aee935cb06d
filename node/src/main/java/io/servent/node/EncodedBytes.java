package io.servent.node;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Bytes as JSON carries them: as text when they are valid UTF-8, else in base64, with which one in
 * {@code encoding}. Immutable and thread-safe.
 *
 * @param data the text, or the base64 of the bytes
 * @param encoding {@code utf-8} or {@code base64}
 */
public record EncodedBytes(String data, String encoding) {
    public static final String UTF_8 = "utf-8";
    public static final String BASE64 = "base64";

    public static EncodedBytes of(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return new EncodedBytes(text, UTF_8);
        } catch (CharacterCodingException e) {
            return new EncodedBytes(Base64.getEncoder().encodeToString(bytes), BASE64);
        }
    }

    /** The bytes back. */
    public byte[] bytes() {
        return encoding.equals(BASE64) ? Base64.getDecoder().decode(data) : data.getBytes(StandardCharsets.UTF_8);
    }
}
