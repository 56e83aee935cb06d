package io.servent.apps.files;

import io.servent.apps.files.proto.DirectoryProto;
import io.servent.apps.files.proto.SearchProto;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Timeout;

/** Hostile bytes for every new parser: each answers or throws ProtocolViolationException, nothing else. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SearchWireFuzzTest {
    static final PeerId FROM = PeerId.random();

    @Property(tries = 1500)
    void searchMessages(@ForAll("searchLike") byte[] bytes) {
        try {
            SearchWire.decodeRequest(bytes);
        } catch (ProtocolViolationException expected) {
            // fine
        }
        try {
            for (SearchProto.SearchHit h : SearchWire.decodeResponse(bytes, FROM)) {
                SearchWire.hit(h, SearchMode.FLOOD, FROM, new byte[16]);
            }
        } catch (ProtocolViolationException expected) {
            // fine
        }
    }

    @Property(tries = 1500)
    void directoryMessages(@ForAll("directoryLike") byte[] bytes) {
        try {
            DirectoryProto.DirectoryRequest r = DirectoryWire.parseRequest(bytes);
            if (r.hasPublish()) {
                DirectoryWire.verify(r.getPublish());
            } else {
                SearchWire.query(
                        r.getQuery().getWordsList(),
                        r.getQuery().getType(),
                        r.getQuery().getMinSize(),
                        r.getQuery().getMaxSize());
            }
        } catch (ProtocolViolationException expected) {
            // fine
        }
    }

    @Property(tries = 500)
    void qrpPatches(@ForAll("patchLike") byte[] bytes) {
        try {
            new QrpTable(QrpTable.MIN_BITS).applyPatch(bytes);
        } catch (ProtocolViolationException expected) {
            // fine
        }
    }

    @Provide
    Arbitrary<byte[]> searchLike() {
        byte[] request = SearchWire.encodeRequest(new byte[16], FileQuery.of("blue monday"), 2, 1, 50);
        byte[] response = SearchProto.SearchResponse.newBuilder()
                .addHits(SearchWire.encodeHit(
                        UnixFs.rawLeaf(new byte[1]).cid(),
                        "a/b.mp3",
                        5,
                        FROM,
                        List.of(),
                        com.google.protobuf.ByteString.copyFrom(new byte[64])))
                .build()
                .toByteArray();
        return mutations(request, response);
    }

    @Provide
    Arbitrary<byte[]> directoryLike() {
        byte[] publish = DirectoryProto.DirectoryRequest.newBuilder()
                .setPublish(DirectoryIndexTest.signed(
                        io.servent.p2p.api.Ed25519PrivateKey.generate(),
                        1,
                        true,
                        List.of(DirectoryIndexTest.entry("x/y.mp3")),
                        List.of(),
                        1))
                .build()
                .toByteArray();
        byte[] query = DirectoryProto.DirectoryRequest.newBuilder()
                .setQuery(DirectoryProto.DirectoryQuery.newBuilder()
                        .addWords("abc")
                        .setType("AUDIO"))
                .build()
                .toByteArray();
        return mutations(publish, query);
    }

    @Provide
    Arbitrary<byte[]> patchLike() {
        QrpTable t = new QrpTable(QrpTable.MIN_BITS);
        t.addName("blue monday");
        return mutations(t.patchFrom(new QrpTable(QrpTable.MIN_BITS)), FloodServiceTest.deflate(new byte[64]));
    }

    static Arbitrary<byte[]> mutations(byte[] a, byte[] b) {
        Arbitrary<byte[]> valid = Arbitraries.of(a, b);
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> corrupted = valid.flatMap(v -> Arbitraries.integers()
                .between(0, v.length - 1)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .flatMap(pos -> Arbitraries.bytes().list().ofSize(pos.size()).map(vals -> {
                    byte[] copy = v.clone();
                    for (int i = 0; i < pos.size(); i++) {
                        copy[pos.get(i)] = vals.get(i);
                    }
                    return copy;
                })));
        Arbitrary<byte[]> truncated =
                valid.flatMap(v -> Arbitraries.integers().between(0, v.length).map(n -> java.util.Arrays.copyOf(v, n)));
        return Arbitraries.oneOf(valid, random, corrupted, truncated);
    }
}
