package io.servent.p2p.kad;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Value records this node stores for the DHT: validated on the way in, replaced only by a record
 * the namespace's validator prefers, expired {@code ttl} after they were received, and bounded in
 * total and per peer that put them (this node's own records count only towards the total).
 *
 * <p>Sans-I/O with the time passed in. Not thread-safe; its owner guards it.
 */
public final class KadRecordStore {
    /** A stored record: the value, when it arrived, and from whom. */
    public static final class Stored {
        private final byte[] value;
        private final Instant received;
        private final PeerId from;

        Stored(byte[] value, Instant received, PeerId from) {
            this.value = value;
            this.received = received;
            this.from = from;
        }

        public byte[] value() {
            return value.clone();
        }

        public Instant received() {
            return received;
        }

        public PeerId from() {
            return from;
        }

        boolean sameValue(byte[] other) {
            return Arrays.equals(value, other);
        }
    }

    private final PeerId self;
    private final KadValidators validators;
    private final Duration ttl;
    private final int maxRecords;
    private final int maxPerPeer;
    private final int maxKeySize;
    private final int maxValueSize;
    private final Map<ByteKey, Stored> records = new HashMap<>();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();

    public KadRecordStore(
            PeerId self,
            KadValidators validators,
            Duration ttl,
            int maxRecords,
            int maxPerPeer,
            int maxKeySize,
            int maxValueSize) {
        this.self = self;
        this.validators = validators;
        this.ttl = ttl;
        this.maxRecords = maxRecords;
        this.maxPerPeer = maxPerPeer;
        this.maxKeySize = maxKeySize;
        this.maxValueSize = maxValueSize;
    }

    public static KadRecordStore of(PeerId self, KadValidators validators, KadConfig config) {
        KadLimits l = config.limits();
        return new KadRecordStore(
                self,
                validators,
                config.recordTtl(),
                l.maxRecords(),
                l.maxRecordsPerPeer(),
                l.maxKeySize(),
                l.maxValueSize());
    }

    /** Checks sizes and validity, without storing. */
    public void check(byte[] key, byte[] value) throws InvalidRecordException {
        if (key.length > maxKeySize) {
            throw new InvalidRecordException("record key of " + key.length + " bytes exceeds " + maxKeySize);
        }
        if (value.length > maxValueSize) {
            throw new InvalidRecordException("record value of " + value.length + " bytes exceeds " + maxValueSize);
        }
        validators.validate(key, value);
    }

    /**
     * Validates and stores a record {@code from} a peer (or this node).
     *
     * @throws InvalidRecordException if it is invalid, loses to the stored record, or a bound is reached
     */
    public void put(byte[] key, byte[] value, PeerId from, Instant now) throws InvalidRecordException {
        check(key, value);
        ByteKey k = new ByteKey(key);
        Stored existing = live(k, now);
        if (existing != null) {
            int best = validators.select(key, List.of(existing.value(), value));
            if (best == 0 && !existing.sameValue(value)) {
                throw new InvalidRecordException("stale record for " + KadRecordKeys.describe(key) + ": "
                        + validators.staleReason(key, value, existing.value()));
            }
        } else if (records.size() >= maxRecords) {
            throw new InvalidRecordException(
                    "record store is full (" + records.size() + " records, maxRecords = " + maxRecords + ")");
        }
        boolean counted = !from.equals(self);
        boolean sameOwner = existing != null && existing.from().equals(from);
        if (counted && !sameOwner && perPeer.getOrDefault(from, 0) >= maxPerPeer) {
            throw new InvalidRecordException(
                    from + " already stored " + maxPerPeer + " records here (maxRecordsPerPeer)");
        }
        if (existing != null) {
            uncount(existing.from());
        }
        records.put(k, new Stored(value.clone(), now, from));
        if (counted) {
            perPeer.merge(from, 1, Integer::sum);
        }
    }

    public Optional<Stored> get(byte[] key, Instant now) {
        return Optional.ofNullable(live(new ByteKey(key), now));
    }

    private @Nullable Stored live(ByteKey key, Instant now) {
        Stored s = records.get(key);
        if (s != null && expired(s, now)) {
            records.remove(key);
            uncount(s.from());
            return null;
        }
        return s;
    }

    private boolean expired(Stored s, Instant now) {
        return !now.isBefore(s.received().plus(ttl));
    }

    private void uncount(PeerId from) {
        perPeer.computeIfPresent(from, (p, n) -> n <= 1 ? null : n - 1);
    }

    /** Drops expired records; returns how many. */
    public int expire(Instant now) {
        int dropped = 0;
        for (Iterator<Stored> it = records.values().iterator(); it.hasNext(); ) {
            Stored s = it.next();
            if (expired(s, now)) {
                it.remove();
                uncount(s.from());
                dropped++;
            }
        }
        return dropped;
    }

    public int size() {
        return records.size();
    }

    int countFrom(PeerId peer) {
        return perPeer.getOrDefault(peer, 0);
    }
}
