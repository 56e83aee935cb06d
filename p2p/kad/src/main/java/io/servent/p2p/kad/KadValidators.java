package io.servent.p2p.kad;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record validators by namespace: a key {@code /<namespace>/…} is checked by the validator of
 * its namespace, and a key without one, or of a namespace nobody registered, is invalid. Immutable
 * and thread-safe.
 */
public final class KadValidators {
    private final Map<String, KadRecordValidator> byNamespace;

    private KadValidators(Map<String, KadRecordValidator> byNamespace) {
        this.byNamespace = Map.copyOf(byNamespace);
    }

    /** {@code /pk/} public keys and {@code /servent/} signed records. */
    public static KadValidators defaults() {
        return new KadValidators(Map.of(
                KadPublicKeyValidator.NAMESPACE, new KadPublicKeyValidator(),
                KadSignedRecord.NAMESPACE, new KadSignedRecord.Validator()));
    }

    /** These validators plus {@code validator} for {@code namespace} (replacing one already there). */
    public KadValidators with(String namespace, KadRecordValidator validator) {
        if (namespace.isEmpty() || namespace.contains("/")) {
            throw new IllegalArgumentException("a namespace is a non-empty name without '/': " + namespace);
        }
        Map<String, KadRecordValidator> copy = new HashMap<>(byNamespace);
        copy.put(namespace, validator);
        return new KadValidators(copy);
    }

    Optional<KadRecordValidator> forKey(byte[] key) {
        return Optional.ofNullable(byNamespace.get(KadRecordKeys.namespace(key)));
    }

    private KadRecordValidator require(byte[] key) throws InvalidRecordException {
        String ns = KadRecordKeys.namespace(key);
        if (ns.isEmpty()) {
            throw new InvalidRecordException(
                    "record key " + KadRecordKeys.describe(key) + " has no /<namespace>/ prefix");
        }
        KadRecordValidator validator = byNamespace.get(ns);
        if (validator == null) {
            throw new InvalidRecordException("no validator for the record namespace '" + ns + "'");
        }
        return validator;
    }

    public void validate(byte[] key, byte[] value) throws InvalidRecordException {
        require(key).validate(key, value);
    }

    /** The index of the best of {@code values} (all valid) for {@code key}. */
    public int select(byte[] key, List<byte[]> values) throws InvalidRecordException {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to select from");
        }
        int index = values.size() == 1 ? 0 : require(key).select(key, values);
        if (index < 0 || index >= values.size()) {
            throw new IllegalStateException("validator selected index " + index + " of " + values.size());
        }
        return index;
    }

    String staleReason(byte[] key, byte[] rejected, byte[] kept) throws InvalidRecordException {
        return require(key).staleReason(key, rejected, kept);
    }
}
