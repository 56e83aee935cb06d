package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DHT keyword search (eMule Kad's idea on the libp2p DHT). Each word of the name of a file shared
 * with everyone becomes a <em>provider record</em> in the DHT under the keyword's CID — CIDv1, raw
 * codec, over sha2-256 of {@code "servent-kw:" + word} — and each such file's root CID gets one too.
 * A search looks up the providers of its longest word and asks each over {@code
 * /servent/search/1.0.0} (ttl 0: no flooding), so the provider answers with its own index and its
 * own access lists, and hits carry its current names.
 *
 * <p>Why provider records rather than signed value records listing files: the DHT already bounds,
 * signs the sender of, expires and republishes provider records, a record is a few bytes whatever the
 * number of files, and the file list stays with its owner, who applies access lists when asked. The
 * price is one extra round trip per provider, and that a keyword matches whole words only (as in Kad).
 * Files shared only with named peers publish nothing: their names never reach the DHT.
 *
 * <p>Thread-safe; publishing is serialised.
 */
public final class KeywordService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeywordService.class);

    /** Keywords per file name (the first ones: names start with what matters most). */
    public static final int MAX_KEYWORDS_PER_FILE = 8;
    /** Keyword and root records this node provides, in total. */
    public static final int MAX_RECORDS = 4000;
    /** Providers asked per search. */
    static final int MAX_PROVIDERS = 20;

    static final int PARALLEL_PROVIDES = 8;
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final KadDht dht;
    private final ShareIndex index;
    private final SearchResponder responder;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock publishLock = new ReentrantLock();
    private Set<Cid> provided = Set.of();

    public KeywordService(KadDht dht, ShareIndex index, SearchResponder responder) {
        this.dht = dht;
        this.index = index;
        this.responder = responder;
    }

    /** The DHT key of a keyword. */
    public static Cid keywordCid(String word) {
        String folded = SearchKeywords.fold(word);
        return Cid.v1(Cid.RAW, Multihash.sha256(("servent-kw:" + folded).getBytes(StandardCharsets.UTF_8)));
    }

    /** The keywords a file name publishes. */
    static List<String> keywords(String fileName) {
        List<String> out = new ArrayList<>();
        for (String w : SearchKeywords.words(fileName)) {
            if (w.length() >= SearchKeywords.MIN_KEYWORD_LENGTH && out.size() < MAX_KEYWORDS_PER_FILE) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * Provides keyword and root records for what is shared with everyone now, and stops providing
     * those no longer shared. Call after shares change; the DHT republishes by itself.
     *
     * @return how many records this node provides
     */
    public int publish() throws IOException {
        publishLock.lock();
        try {
            Set<Cid> want = new LinkedHashSet<>();
            for (Share share : index.shares()) {
                if (!(share.access() instanceof ShareAccess.Everyone)) {
                    continue;
                }
                for (SharedFile f : index.files(share.id())) {
                    for (String k : keywords(f.name())) {
                        if (want.size() < MAX_RECORDS) {
                            want.add(keywordCid(k));
                        }
                    }
                    if (want.size() < MAX_RECORDS) {
                        want.add(f.root());
                    }
                }
            }
            Set<Cid> add = new LinkedHashSet<>(want);
            add.removeAll(provided);
            for (Cid gone : provided) {
                if (!want.contains(gone)) {
                    dht.stopProviding(gone);
                }
            }
            AtomicInteger failed = new AtomicInteger();
            Semaphore permits = new Semaphore(PARALLEL_PROVIDES);
            try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("keyword-provide-", 1).factory())) {
                List<Future<?>> all = new ArrayList<>();
                for (Cid cid : add) {
                    all.add(pool.submit(() -> {
                        permits.acquireUninterruptibly();
                        try {
                            dht.provide(cid);
                        } catch (IOException | RuntimeException e) {
                            failed.incrementAndGet();
                            log.debug("keywords: providing {} failed: {}", cid, e.toString());
                        } finally {
                            permits.release();
                        }
                    }));
                }
                for (Future<?> f : all) {
                    try {
                        f.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while publishing keywords");
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed.incrementAndGet();
                    }
                }
            }
            provided = Set.copyOf(want);
            log.debug("keywords: providing {} records ({} new, {} failed)", want.size(), add.size(), failed.get());
            return want.size();
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * Finds the providers of the query's longest word and asks each; hits go to {@code sink} from
     * several threads, distinct per CID and provider.
     *
     * @return the number of hits
     * @throws IOException if the query has no word long enough to look up, or the lookup fails
     */
    public int search(FileQuery query, int maxHits, Consumer<FileHit> sink) throws IOException {
        String keyword = "";
        for (String w : query.words()) {
            String f = SearchKeywords.fold(w);
            if (f.length() > keyword.length()) {
                keyword = f;
            }
        }
        if (keyword.length() < SearchKeywords.MIN_KEYWORD_LENGTH) {
            throw new IOException(
                    "DHT search needs a word of at least " + SearchKeywords.MIN_KEYWORD_LENGTH + " letters");
        }
        PeerId self = responder.host().peerId();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger count = new AtomicInteger();
        List<Thread> asks = new ArrayList<>();
        Set<PeerId> asked = new HashSet<>();
        long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
        dht.findProviders(keywordCid(keyword), MAX_PROVIDERS, (KadPeer p) -> {
            if (p.id().equals(self) || !asked.add(p.id())) {
                return;
            }
            asks.add(Thread.ofVirtual()
                    .name("keyword-ask-" + p.id().shortString())
                    .start(() -> {
                        byte[] guid = new byte[SearchWire.GUID_LENGTH];
                        random.nextBytes(guid);
                        try {
                            SearchClient.query(
                                    responder.host(),
                                    p.id(),
                                    guid,
                                    query,
                                    0,
                                    0,
                                    maxHits,
                                    SearchMode.DHT,
                                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
                                    hit -> {
                                        if (hit.provider().equals(p.id())
                                                && count.get() < maxHits
                                                && seen.add(hit.root() + " " + hit.provider())) {
                                            count.incrementAndGet();
                                            sink.accept(hit);
                                        }
                                    });
                        } catch (IOException | RuntimeException e) {
                            log.debug("keywords: provider {} did not answer: {}", p.id().shortString(), e.toString());
                        }
                    }));
        });
        for (Thread t : asks) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while searching the DHT");
            }
        }
        return count.get();
    }

    /** Providers of a file's root CID in the DHT, at most {@code max}. */
    public List<KadPeer> providers(Cid root, int max) throws IOException {
        return dht.findProviders(root, max);
    }

    @Override
    public void close() {
        publishLock.lock();
        try {
            provided.forEach(dht::stopProviding);
            provided = Set.of();
        } finally {
            publishLock.unlock();
        }
    }
}
