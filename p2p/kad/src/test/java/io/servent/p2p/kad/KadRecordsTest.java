package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.kad.proto.ServentRecordProto.ServentRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Record validation (public keys, signed records) and the record store's rules and bounds. */
@Timeout(30)
class KadRecordsTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final KadValidators validators = KadValidators.defaults();
    private final PrivateKey alice = Ed25519PrivateKey.generate();
    private final PrivateKey mallory = Ed25519PrivateKey.generate();
    private final PeerId aliceId = alice.publicKey().peerId();
    private final PeerId malloryId = mallory.publicKey().peerId();
    private final PeerId self = TestPeers.random(new Random(1));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] signed(PrivateKey key, byte[] recordKey, long seq, String value) {
        return KadSignedRecord.create(recordKey, seq, utf8(value), key.publicKey(), key::sign);
    }

    // ---- /pk/ ----

    @Test
    void publicKeyRecordOfAnInlinedEd25519Id() {
        byte[] key = KadPublicKeyValidator.key(aliceId);
        assertThat(KadRecordKeys.namespace(key)).isEqualTo("pk");
        assertThatCode(() -> validators.validate(key, alice.publicKey().marshal()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> validators.validate(key, mallory.publicKey().marshal()))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("does not hash to that PeerId");
    }

    @Test
    void publicKeyRecordOfASha256HashedId() throws Exception {
        byte[] bigKey = new byte[300]; // as an RSA key protobuf would be: too long to inline
        new Random(7).nextBytes(bigKey);
        PeerId hashed = PeerId.fromBytes(Multihash.sha256(bigKey).bytes());
        byte[] key = KadPublicKeyValidator.key(hashed);
        validators.validate(key, bigKey);
        bigKey[0] ^= 1;
        assertThatThrownBy(() -> validators.validate(key, bigKey)).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> validators.validate(utf8("/pk/not-a-peer-id"), bigKey))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("not /pk/<PeerId>");
    }

    @Test
    void unknownNamespacesAndBareKeysAreInvalid() {
        assertThatThrownBy(() -> validators.validate(utf8("/ipns/abc"), new byte[1]))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("no validator for the record namespace 'ipns'");
        assertThatThrownBy(() -> validators.validate(utf8("plain"), new byte[1]))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("has no /<namespace>/ prefix");
    }

    // ---- /servent/ ----

    @Test
    void aSignedRecordValidatesAndDecodes() throws Exception {
        byte[] key = KadSignedRecord.key(aliceId, "profile/avatar");
        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("/servent/" + aliceId + "/profile/avatar");
        byte[] value = signed(alice, key, 7, "hello");
        validators.validate(key, value);
        KadSignedRecord.Decoded d = KadSignedRecord.decode(key, value);
        assertThat(d.signer()).isEqualTo(aliceId);
        assertThat(d.name()).isEqualTo("profile/avatar");
        assertThat(d.seq()).isEqualTo(7);
        assertThat(d.value()).isEqualTo(utf8("hello"));
    }

    @Test
    void aForgedSignatureIsRejected() throws Exception {
        byte[] key = KadSignedRecord.key(aliceId, "name");
        // Mallory claims Alice's key but signs with her own.
        byte[] forged = KadSignedRecord.create(key, 9, utf8("evil"), alice.publicKey(), mallory::sign);
        assertThatThrownBy(() -> validators.validate(key, forged))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("signature that does not verify");
    }

    @Test
    void onlyTheOwnerMayWriteUnderItsKey() {
        byte[] key = KadSignedRecord.key(aliceId, "name");
        byte[] byMallory = signed(mallory, key, 9, "evil");
        assertThatThrownBy(() -> validators.validate(key, byMallory))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("is signed by " + malloryId + ": only the owner may write it");
    }

    @Test
    void alteredValueSequenceOrNameBreaksTheSignature() throws Exception {
        byte[] key = KadSignedRecord.key(aliceId, "name");
        ServentRecord good = ServentRecord.parseFrom(signed(alice, key, 3, "v"));
        byte[] otherValue =
                good.toBuilder().setValue(ByteString.copyFromUtf8("w")).build().toByteArray();
        byte[] otherSeq = good.toBuilder().setSeq(4).build().toByteArray();
        for (byte[] altered : List.of(otherValue, otherSeq)) {
            assertThatThrownBy(() -> validators.validate(key, altered))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("does not verify");
        }
        byte[] replayedKey = KadSignedRecord.key(aliceId, "other-name");
        assertThatThrownBy(() -> validators.validate(replayedKey, good.toByteArray()))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("does not verify");
    }

    @Test
    void malformedSignedRecordsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> validators.validate(utf8("/servent/" + aliceId), new byte[0]))
                .hasMessageContaining("is not /servent/<PeerId>/<name>");
        assertThatThrownBy(() -> validators.validate(utf8("/servent/nobody/x"), new byte[0]))
                .hasMessageContaining("does not name a peer");
        byte[] key = KadSignedRecord.key(aliceId, "x");
        assertThatThrownBy(() -> validators.validate(key, new byte[] {(byte) 0xff, 0x01}))
                .hasMessageContaining("malformed signed record");
        assertThatThrownBy(() -> validators.validate(key, new byte[0])).hasMessageContaining("bad public key");
    }

    @Test
    void selectPrefersTheHighestSequenceNumberWhateverTheOrder() throws Exception {
        byte[] key = KadSignedRecord.key(aliceId, "name");
        byte[] v1 = signed(alice, key, 1, "one");
        byte[] v5 = signed(alice, key, 5, "five");
        byte[] v3 = signed(alice, key, 3, "three");
        assertThat(validators.select(key, List.of(v1, v5, v3))).isEqualTo(1);
        assertThat(validators.select(key, List.of(v5, v3, v1))).isZero();
        byte[] tieA = signed(alice, key, 5, "a");
        byte[] tieB = signed(alice, key, 5, "b");
        int ab = validators.select(key, List.of(tieA, tieB));
        int ba = validators.select(key, List.of(tieB, tieA));
        assertThat(List.of(tieA, tieB).get(ab)).isEqualTo(List.of(tieB, tieA).get(ba));
    }

    // ---- the store ----

    private KadRecordStore store(int max, int perPeer) {
        return new KadRecordStore(self, validators, Duration.ofHours(36), max, perPeer, 1024, 1024);
    }

    @Test
    void theStoreKeepsTheNewestAndRefusesStaleSequenceNumbers() throws Exception {
        KadRecordStore store = store(100, 10);
        byte[] key = KadSignedRecord.key(aliceId, "name");
        byte[] v5 = signed(alice, key, 5, "five");
        store.put(key, v5, aliceId, T0);
        assertThatThrownBy(() -> store.put(key, signed(alice, key, 4, "four"), malloryId, T0))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("sequence number 4 is not newer than the stored 5");
        store.put(key, v5, malloryId, T0.plusSeconds(1)); // the same record again is fine
        byte[] v6 = signed(alice, key, 6, "six");
        store.put(key, v6, malloryId, T0.plusSeconds(2));
        assertThat(store.get(key, T0.plusSeconds(3)).orElseThrow().value()).isEqualTo(v6);
    }

    @Test
    void theStoreRefusesInvalidAndOversizeRecords() {
        KadRecordStore store = store(100, 10);
        byte[] key = KadSignedRecord.key(aliceId, "name");
        assertThatThrownBy(() -> store.put(key, signed(mallory, key, 1, "x"), malloryId, T0))
                .isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> store.put(key, signed(alice, key, 1, "x".repeat(2000)), aliceId, T0))
                .hasMessage(
                        "record value of " + signed(alice, key, 1, "x".repeat(2000)).length + " bytes exceeds 1024");
        assertThatThrownBy(() -> store.put(new byte[2000], new byte[1], aliceId, T0))
                .hasMessage("record key of 2000 bytes exceeds 1024");
        assertThat(store.size()).isZero();
    }

    @Test
    void theStoreIsBoundedPerPeerAndInTotalButNotForItsOwnRecords() throws Exception {
        KadRecordStore store = store(5, 2);
        for (int i = 0; i < 2; i++) {
            byte[] key = KadSignedRecord.key(aliceId, "n" + i);
            store.put(key, signed(alice, key, 1, "v"), malloryId, T0);
        }
        byte[] third = KadSignedRecord.key(aliceId, "n2");
        assertThatThrownBy(() -> store.put(third, signed(alice, third, 1, "v"), malloryId, T0))
                .hasMessage(malloryId + " already stored 2 records here (maxRecordsPerPeer)");
        for (int i = 2; i < 5; i++) {
            byte[] key = KadSignedRecord.key(aliceId, "n" + i);
            store.put(key, signed(alice, key, 1, "v"), self, T0);
        }
        byte[] sixth = KadSignedRecord.key(aliceId, "n5");
        assertThatThrownBy(() -> store.put(sixth, signed(alice, sixth, 1, "v"), self, T0))
                .hasMessageContaining("record store is full (5 records, maxRecords = 5)");
        assertThat(store.countFrom(malloryId)).isEqualTo(2);
        assertThat(store.countFrom(self)).isZero();
    }

    @Test
    void recordsExpireAfterTheirTtl() throws Exception {
        KadRecordStore store = store(10, 10);
        byte[] key = KadSignedRecord.key(aliceId, "name");
        store.put(key, signed(alice, key, 1, "v"), malloryId, T0);
        assertThat(store.get(key, T0.plus(Duration.ofHours(35)))).isPresent();
        assertThat(store.get(key, T0.plus(Duration.ofHours(36)))).isEmpty();
        assertThat(store.countFrom(malloryId)).isZero();
        store.put(key, signed(alice, key, 1, "v"), malloryId, T0);
        assertThat(store.expire(T0.plus(Duration.ofHours(37)))).isEqualTo(1);
        assertThat(store.size()).isZero();
        // Once expired, an older sequence number is accepted again: nothing newer is known.
        store.put(key, signed(alice, key, 0, "v"), malloryId, T0.plus(Duration.ofHours(37)));
    }
}
