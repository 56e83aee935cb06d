/**
 * The Kademlia DHT of libp2p, {@code /ipfs/kad/1.0.0}, byte-compatible with go-libp2p-kad-dht and
 * js-libp2p's {@code @libp2p/kad-dht}.
 *
 * <p>Sans-I/O cores: {@link io.servent.p2p.kad.KadKey} (SHA-256 key space, XOR distance), {@link
 * io.servent.p2p.kad.KadRoutingTable} (k-buckets, replacement caches, liveness-checked eviction, IP
 * diversity), {@link io.servent.p2p.kad.KadLookup} (the iterative and disjoint-path lookup), {@link
 * io.servent.p2p.kad.KadRecordStore} and {@link io.servent.p2p.kad.KadProviderStore}. The service
 * {@link io.servent.p2p.kad.KadDht} puts them on a {@link io.servent.p2p.api.Host}.
 *
 * <h2>Wire</h2>
 *
 * Varint-length-prefixed {@code Message} protobufs ({@code dht.proto}); one request per fresh stream
 * when asking, any number per stream when answering. Responses of up to 4 MiB are read (as go),
 * requests of up to 64 KiB ({@link io.servent.p2p.kad.KadLimits}).
 *
 * <h2>Records</h2>
 *
 * {@code /pk/<PeerId bytes>}: a public key protobuf that hashes (with the PeerId's multihash function)
 * to the PeerId. {@code /servent/<PeerId base58>/<name>}: a signed record that only the named peer can
 * write, newest sequence number winning. Its value is the protobuf {@code ServentRecord}
 * ({@code servent_record.proto}):
 *
 * <pre>
 * message ServentRecord {
 *   bytes  value     = 1;  // the application's bytes
 *   uint64 seq       = 2;  // higher replaces lower
 *   bytes  publicKey = 3;  // the signer's libp2p PublicKey protobuf; its PeerId must be the key's
 *   bytes  signature = 4;  // over the bytes below, with that key
 * }
 * signed bytes = "servent-record:" || uvarint(len(key)) || key || uint64 big-endian(seq) || value
 * </pre>
 *
 * <p>The name is 1 to 256 UTF-8 bytes and may contain {@code /}. Validation checks the key form, that
 * the key's PeerId matches {@code publicKey}, and the signature (which covers the whole key, so a
 * record cannot be replayed under another name). Selection takes the highest {@code seq}; between
 * equal ones, the greater encoded record (so every node picks the same). A stored record is replaced
 * only by one selection prefers; an older one is refused with the reason logged.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/kad-dht/README.md">kad-dht spec</a>
 */
@NullMarked
package io.servent.p2p.kad;

import org.jspecify.annotations.NullMarked;
