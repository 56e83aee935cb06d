package io.servent.p2p.kad;

import java.util.List;

/**
 * Validates the records of one key namespace and picks the best of several, as the spec's {@code
 * Validator}. Both methods are pure functions of their arguments, so every node decides alike.
 * Implementations are thread-safe.
 */
public interface KadRecordValidator {
    /**
     * @throws InvalidRecordException with a message that says what is wrong with it
     */
    void validate(byte[] key, byte[] value) throws InvalidRecordException;

    /**
     * The index of the best of {@code values}, all of which passed {@link #validate}. Must be stable:
     * the same values give the same answer in any order of equal-ranked values.
     */
    int select(byte[] key, List<byte[]> values);

    /** Why {@code rejected} loses to the {@code kept} record (for the log line of a refused PUT_VALUE). */
    default String staleReason(byte[] key, byte[] rejected, byte[] kept) {
        return "the record already stored for this key is preferred";
    }
}
