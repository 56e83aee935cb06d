package io.servent.apps.files;

import io.servent.apps.files.proto.SearchProto;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Sends one query over {@code /servent/search/1.0.0} and streams the checked hits back, within a
 * deadline and the stream's hit bound. Stateless, thread-safe.
 */
final class SearchClient {
    private SearchClient() {}

    /** Queries {@code peer}; the checked hits (signatures verified) go to {@code sink} as they arrive. */
    static int query(
            Host host,
            PeerId peer,
            byte[] guid,
            FileQuery query,
            int ttl,
            int hops,
            int maxHits,
            SearchMode mode,
            Duration timeout,
            Consumer<FileHit> sink)
            throws IOException {
        return querySigned(
                host, peer, guid, query, ttl, hops, maxHits, mode, timeout, signed -> sink.accept(signed.hit()));
    }

    /**
     * Queries {@code peer}; hits, each verified against its provider's signature, go to {@code sink} on
     * this thread as they arrive, with the signature (for a relay to pass on).
     *
     * @return how many hits arrived (the stream ended, the deadline passed or {@code maxHits} came)
     * @throws IOException if the peer cannot be reached, resets the stream or breaks the protocol
     */
    static int querySigned(
            Host host,
            PeerId peer,
            byte[] guid,
            FileQuery query,
            int ttl,
            int hops,
            int maxHits,
            SearchMode mode,
            Duration timeout,
            Consumer<SearchWire.SignedHit> sink)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Stream stream = host.newStream(peer, SearchWire.PROTOCOL_ID);
        int count = 0;
        try {
            stream.setWriteTimeout(timeout);
            LengthPrefixed.write(stream.out(), SearchWire.encodeRequest(guid, query, ttl, hops, maxHits));
            stream.out().flush();
            stream.closeWrite();
            while (count < maxHits) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                stream.setReadTimeout(Duration.ofNanos(Math.max(left, 1_000_000)));
                byte[] bytes;
                try {
                    var next = LengthPrefixed.read(stream.in(), SearchWire.MAX_RESPONSE_BYTES);
                    if (next.isEmpty()) {
                        break;
                    }
                    bytes = next.get();
                } catch (java.io.InterruptedIOException e) {
                    break; // the deadline: keep what came
                }
                for (SearchProto.SearchHit h : SearchWire.decodeResponse(bytes, peer)) {
                    if (count >= SearchWire.MAX_HITS_PER_STREAM) {
                        throw new ProtocolViolationException(
                                peer + " sent more than " + SearchWire.MAX_HITS_PER_STREAM + " hits");
                    }
                    sink.accept(SearchWire.hit(h, mode, peer, guid));
                    count++;
                }
            }
            stream.reset(); // done reading: whatever the peer still sends is not wanted
            return count;
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
    }
}
