package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves blocks from what this peer shares and stores, in this order: internal nodes of shared files
 * (from the index), leaves of shared files (re-read from the file and verified on every serve: a file
 * may have changed since it was indexed — then it is not served and its share is flagged for
 * rescan), and blocks in the {@link BlockStore} (downloads: to anyone who knows the CID, unless
 * {@code serveStore} is off). Shares are checked against the requester's access on every call.
 *
 * <p>Thread-safe.
 */
public final class SharedBlockProvider implements BlockProvider {
    private static final Logger log = LoggerFactory.getLogger(SharedBlockProvider.class);

    private final ShareIndex index;
    private final BlockStore store;
    private final boolean serveStore;
    private final LongConsumer staleShare;

    /**
     * @param staleShare called with the id of a share holding a file whose bytes no longer match the
     *     index (usually {@link ShareService#markStale})
     */
    public SharedBlockProvider(ShareIndex index, BlockStore store, boolean serveStore, LongConsumer staleShare) {
        this.index = index;
        this.store = store;
        this.serveStore = serveStore;
        this.staleShare = staleShare;
    }

    @Override
    public Optional<Block> block(Cid cid, PeerId requester) throws IOException {
        Block.checkHash(cid);
        Optional<byte[]> node = index.node(cid.multihash(), requester);
        if (node.isPresent()) {
            try {
                return Optional.of(Block.verify(cid, node.get()));
            } catch (BlockVerificationException e) {
                log.warn("serve: indexed node {} is corrupt: {}", cid, e.getMessage());
            }
        }
        for (BlockLocation location : index.locations(cid.multihash(), requester)) {
            Optional<Block> block = readShared(cid, location);
            if (block.isPresent()) {
                return block;
            }
        }
        return serveStore ? store.get(cid) : Optional.empty();
    }

    @Override
    public boolean has(Cid cid, PeerId requester) throws IOException {
        Block.checkHash(cid);
        return index.node(cid.multihash(), requester).isPresent()
                || !index.locations(cid.multihash(), requester).isEmpty()
                || (serveStore && store.has(cid));
    }

    private Optional<Block> readShared(Cid cid, BlockLocation location) {
        if (location.length() > UnixFs.MAX_BLOCK_SIZE) {
            return Optional.empty();
        }
        byte[] data = new byte[location.length()];
        try (FileChannel channel = FileChannel.open(location.file(), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, location.offset() + buffer.position()) < 0) {
                    break;
                }
            }
            if (buffer.hasRemaining()) {
                return stale(cid, location, "the file is shorter than indexed");
            }
            return Optional.of(Block.verify(cid, data));
        } catch (BlockVerificationException e) {
            return stale(cid, location, "its bytes changed since indexing");
        } catch (NoSuchFileException e) {
            return stale(cid, location, "the file is gone");
        } catch (IOException e) {
            log.warn("serve: cannot read {} for {}: {}", location.file(), cid, e.toString());
            return Optional.empty();
        }
    }

    private Optional<Block> stale(Cid cid, BlockLocation location, String why) {
        log.info("serve: not serving {} from {}: {}; rescanning", cid, location.file(), why);
        staleShare.accept(location.shareId());
        return Optional.empty();
    }
}
