package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.apps.files.proto.DirectoryProto;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The index server's rules, sans-I/O: signatures, order, replay, bounds, expiry. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DirectoryIndexTest {
    static final long NOW = 1_700_000_000_000L;
    final Ed25519PrivateKey alice = Ed25519PrivateKey.generate();
    final Ed25519PrivateKey mallory = Ed25519PrivateKey.generate();
    final DirectoryConfig config = DirectoryConfig.defaults()
            .withMaxEntriesPerPublisher(3)
            .withPublisherTtl(Duration.ofMinutes(10), Duration.ofMinutes(3));
    final DirectoryIndex index = new DirectoryIndex(config);

    static DirectoryEntry entry(String path) {
        return new DirectoryEntry(
                UnixFs.rawLeaf(path.getBytes(StandardCharsets.UTF_8)).cid(), path, path.length());
    }

    static DirectoryProto.DirectoryPublish signed(
            Ed25519PrivateKey key,
            long seq,
            boolean full,
            List<DirectoryEntry> add,
            List<DirectoryEntry> remove,
            long time) {
        DirectoryProto.DirectoryUpdate.Builder u = DirectoryProto.DirectoryUpdate.newBuilder()
                .setPublisherKey(ByteString.copyFrom(key.publicKey().marshal()))
                .setSeq(seq)
                .setFull(full)
                .setTimestampMs(time);
        add.forEach(e -> u.addAdd(DirectoryWire.entry(e)));
        remove.forEach(e -> u.addRemove(DirectoryWire.entry(e)));
        byte[] body = u.build().toByteArray();
        return DirectoryProto.DirectoryPublish.newBuilder()
                .setBody(ByteString.copyFrom(body))
                .setSignature(ByteString.copyFrom(key.sign(DirectoryWire.signingBytes(body))))
                .build();
    }

    int apply(DirectoryProto.DirectoryPublish p, long now) throws Exception {
        return index.apply(DirectoryWire.verify(p), now);
    }

    List<String> find(String words) {
        return index.query(FileQuery.of(words), 100, PeerId.random(), NOW).stream()
                .map(h -> h.entry().path())
                .toList();
    }

    @Test
    void incrementalSignedUpdatesInOrder() throws Exception {
        assertThat(apply(
                        signed(
                                alice,
                                10,
                                true,
                                List.of(entry("m/Blue Monday.mp3"), entry("m/Héroes.ogg")),
                                List.of(),
                                NOW),
                        NOW))
                .isEqualTo(2);
        assertThat(find("blue")).containsExactly("m/Blue Monday.mp3");
        assertThat(find("heroes")).containsExactly("m/Héroes.ogg"); // accents fold
        assertThat(apply(
                        signed(
                                alice,
                                11,
                                false,
                                List.of(entry("m/True Faith.mp3")),
                                List.of(entry("m/Blue Monday.mp3")),
                                NOW),
                        NOW))
                .isEqualTo(2);
        assertThat(find("blue")).isEmpty();
        assertThat(find("faith")).containsExactly("m/True Faith.mp3");
        // replayed, out of order, or an incremental from a stranger: refused, nothing changes
        assertThatThrownBy(() -> apply(signed(alice, 11, false, List.of(entry("m/x.mp3")), List.of(), NOW), NOW))
                .isInstanceOf(DirectoryIndex.Rejected.class)
                .hasMessageContaining("does not follow 11");
        assertThatThrownBy(() -> apply(signed(alice, 13, false, List.of(entry("m/x.mp3")), List.of(), NOW), NOW))
                .isInstanceOf(DirectoryIndex.Rejected.class);
        assertThatThrownBy(() -> apply(signed(alice, 10, true, List.of(), List.of(), NOW), NOW))
                .isInstanceOf(DirectoryIndex.Rejected.class)
                .hasMessageContaining("not after 11");
        assertThatThrownBy(() -> apply(signed(mallory, 5, false, List.of(entry("m/x.mp3")), List.of(), NOW), NOW))
                .isInstanceOf(DirectoryIndex.Rejected.class)
                .hasMessageContaining("publish in full");
        assertThat(index.entries()).isEqualTo(2);
    }

    @Test
    void forgedAndStaleUpdatesAreRefused() throws Exception {
        DirectoryProto.DirectoryPublish good = signed(alice, 1, true, List.of(entry("a.mp3")), List.of(), NOW);
        byte[] body = good.getBody().toByteArray();
        body[body.length - 1] ^= 1; // tampered after signing
        assertThatThrownBy(() -> DirectoryWire.verify(
                        good.toBuilder().setBody(ByteString.copyFrom(body)).build()))
                .isInstanceOf(ProtocolViolationException.class);
        // signed by mallory, claiming alice's key
        DirectoryProto.DirectoryPublish forged = good.toBuilder()
                .setSignature(ByteString.copyFrom(
                        mallory.sign(DirectoryWire.signingBytes(good.getBody().toByteArray()))))
                .build();
        assertThatThrownBy(() -> DirectoryWire.verify(forged))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("signature does not verify");
        // an old publication replayed to a server that forgot alice (restart): refused by time
        assertThatThrownBy(() -> apply(good, NOW + Duration.ofHours(1).toMillis()))
                .isInstanceOf(DirectoryIndex.Rejected.class)
                .hasMessageContaining("from the server's");
    }

    @Test
    void boundedPerPublisherAndExpiredWhenSilent() throws Exception {
        assertThatThrownBy(() -> apply(
                        signed(alice, 1, true, List.of(entry("a"), entry("b"), entry("c"), entry("d")), List.of(), NOW),
                        NOW))
                .isInstanceOf(DirectoryIndex.Rejected.class)
                .hasMessageContaining("max 3");
        assertThat(apply(signed(alice, 2, true, List.of(entry("song a"), entry("song b")), List.of(), NOW), NOW))
                .isEqualTo(2);
        // a heartbeat within the TTL keeps them
        long later = NOW + Duration.ofMinutes(8).toMillis();
        assertThat(apply(signed(alice, 3, false, List.of(), List.of(), later), later))
                .isEqualTo(2);
        index.expire(later + Duration.ofMinutes(9).toMillis());
        assertThat(index.entries()).isEqualTo(2);
        index.expire(later + Duration.ofMinutes(11).toMillis());
        assertThat(index.entries()).isZero();
        assertThat(index.publishers()).isZero();
    }
}
