package io.servent.node;

import io.servent.apps.files.BlockStore;
import io.servent.apps.files.BrowseEntry;
import io.servent.apps.files.BrowseService;
import io.servent.apps.files.FileType;
import io.servent.apps.files.FilesDatabase;
import io.servent.apps.files.Share;
import io.servent.apps.files.ShareAccess;
import io.servent.apps.files.ShareIndex;
import io.servent.apps.files.ShareIndexer;
import io.servent.apps.files.ShareService;
import io.servent.apps.files.SharedFile;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-sharing application as the daemon runs it: the files database ({@code files.db}) and
 * block store ({@code blocks/}) in the data directory, the shares and their indexer, and browsing
 * (serving {@code /servent/browse/1.0.0} and asking peers). Translates between the contract's JSON
 * shapes ({@link ShareView}, {@link BrowseView}) and apps/files, and its failures into {@link
 * NodeException}s.
 *
 * <p>Thread-safe. Owns the services it opens; {@link #close()} stops them.
 */
final class NodeFiles implements AutoCloseable {
    static final String DATABASE_FILE = "files.db";
    static final String BLOCKS_DIR = "blocks";
    static final Duration RESCAN_PERIOD = Duration.ofMinutes(30);
    static final int MAX_ACCESS_ENTRIES = 256;

    private static final Logger log = LoggerFactory.getLogger(NodeFiles.class);

    /** A share as {@code GET /api/v1/shares} shows it. */
    record ShareView(long id, String dir, String name, List<String> to, long files, long bytes, Indexing indexing) {}

    /** Indexing of one share: files hashed of those to hash in the running scan (0/0 when idle). */
    record Indexing(boolean scanning, long done, long total) {}

    /** A file a peer shares with us. */
    record BrowseFile(String cid, String name, long size, String type) {}

    /** {@code GET /api/v1/browse/{peer}}. */
    record BrowseView(String peer, List<BrowseFile> files) {}

    private final Host host;
    private final FilesDatabase db;
    private final BlockStore blocks;
    private final ShareIndexer indexer;
    private final ShareService shares;
    private final BrowseService browse;
    private volatile Runnable changed = () -> {};

    private NodeFiles(
            Host host,
            FilesDatabase db,
            BlockStore blocks,
            ShareIndexer indexer,
            ShareService shares,
            BrowseService browse) {
        this.host = host;
        this.db = db;
        this.blocks = blocks;
        this.indexer = indexer;
        this.shares = shares;
        this.browse = browse;
    }

    /** Opens the database and block store under {@code root} and registers the browse protocol. */
    static NodeFiles open(Host host, Path root) throws StartupException {
        FilesDatabase db;
        try {
            db = FilesDatabase.open(root.resolve(DATABASE_FILE));
        } catch (IOException e) {
            throw new StartupException("cannot open " + root.resolve(DATABASE_FILE) + ": " + e.getMessage(), e);
        }
        try {
            BlockStore blocks = BlockStore.open(root.resolve(BLOCKS_DIR));
            ShareIndex index = new ShareIndex(db);
            ShareIndexer indexer = new ShareIndexer(index);
            ShareService shares = new ShareService(indexer, RESCAN_PERIOD);
            BrowseService browse = new BrowseService(host, index);
            return new NodeFiles(host, db, blocks, indexer, shares, browse);
        } catch (IOException | RuntimeException e) {
            db.close();
            throw new StartupException("cannot open the block store in " + root + ": " + e.getMessage(), e);
        }
    }

    /** Starts watching and rescanning the shares. */
    void start() throws StartupException {
        try {
            shares.start();
        } catch (IOException e) {
            throw new StartupException("cannot watch the shared folders: " + e.getMessage(), e);
        }
    }

    ShareIndex index() {
        return shares.index();
    }

    FilesDatabase database() {
        return db;
    }

    ShareIndexer indexer() {
        return indexer;
    }

    /** Runs {@code listener} after every share, unshare or access change (search republishes). */
    void onChange(Runnable listener) {
        changed = listener;
    }

    BlockStore blocks() {
        return blocks;
    }

    ShareService shareService() {
        return shares;
    }

    List<ShareView> shares() throws NodeException {
        try {
            List<ShareView> out = new ArrayList<>();
            for (Share s : shares.shares()) {
                out.add(view(s));
            }
            return out;
        } catch (IOException e) {
            throw storage(e);
        }
    }

    ShareView share(String dir, @Nullable List<String> to) throws NodeException {
        ShareAccess access = access(to);
        Path path;
        try {
            path = Path.of(expandHome(dir.strip()));
        } catch (InvalidPathException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "'" + dir + "' is not a path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "'" + dir + "' is relative; give the folder's absolute path");
        }
        if (!Files.isDirectory(path)) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT,
                    Files.exists(path) ? path + " is not a folder" : "there is no folder " + path);
        }
        try {
            ShareView view = view(shares.share(path, access));
            changed.run();
            return view;
        } catch (IllegalArgumentException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, String.valueOf(e.getMessage()));
        } catch (NoSuchFileException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "there is no folder " + path);
        } catch (IOException e) {
            throw storage(e);
        }
    }

    ShareView setAccess(long id, @Nullable List<String> to) throws NodeException {
        ShareAccess access = access(to);
        try {
            if (shares.index().share(id).isEmpty()) {
                throw noShare(id);
            }
            shares.setAccess(id, access);
            changed.run();
            return view(shares.index().share(id).orElseThrow(() -> noShare(id)));
        } catch (IOException e) {
            throw storage(e);
        }
    }

    void unshare(long id) throws NodeException {
        try {
            if (!shares.unshare(id)) {
                throw noShare(id);
            }
            changed.run();
        } catch (IOException e) {
            throw storage(e);
        }
    }

    BrowseView browse(String peerText) throws NodeException {
        PeerId peer;
        try {
            peer = PeerId.parse(peerText.strip());
        } catch (MultiformatException e) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "'" + peerText + "' is not a PeerId: " + e.getMessage());
        }
        if (peer.equals(host.peerId())) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "that is this node; see your own shares instead");
        }
        if (host.connections(peer).isEmpty() && host.peerstore().addresses(peer).isEmpty()) {
            throw new NodeException(
                    NodeException.Kind.NOT_FOUND,
                    "unknown peer " + peer + ": not connected and no known address; connect to it first");
        }
        List<BrowseEntry> entries;
        try {
            entries = browse.browse(peer);
        } catch (IOException e) {
            throw NodeService.failure("browse " + peer, e);
        }
        List<BrowseFile> files = new ArrayList<>(entries.size());
        for (BrowseEntry e : entries) {
            files.add(new BrowseFile(e.root().toString(), e.path(), e.size(), type(e.path())));
        }
        return new BrowseView(peer.toString(), files);
    }

    /** The file's kind by extension: audio, video, image, document, archive or other. */
    static String type(String name) {
        for (FileType t : FileType.values()) {
            if (t != FileType.ANY && t.matches(name)) {
                return t.name().toLowerCase(Locale.ROOT);
            }
        }
        return "other";
    }

    private ShareView view(Share s) throws IOException {
        long files = 0;
        long bytes = 0;
        for (SharedFile f : shares.index().files(s.id())) {
            files++;
            bytes += f.size();
        }
        ShareIndexer.Progress p = indexer.progress();
        Indexing indexing = p.scanning() && p.shareId() == s.id()
                ? new Indexing(true, p.filesHashed(), p.filesToHash())
                : new Indexing(false, 0, 0);
        return new ShareView(s.id(), s.root().toString(), s.name(), to(s.access()), files, bytes, indexing);
    }

    static List<String> to(ShareAccess access) {
        if (access instanceof ShareAccess.Peers peers) {
            return peers.peers().stream().map(p -> "peer:" + p).sorted().toList();
        }
        return List.of("everyone");
    }

    /** Parses the contract's access list: {@code ["everyone"]} (the default) or {@code ["peer:<PeerId>", …]}. */
    static ShareAccess access(@Nullable List<String> to) throws NodeException {
        if (to == null || to.isEmpty()) {
            return ShareAccess.everyone();
        }
        if (to.size() > MAX_ACCESS_ENTRIES) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "an access list holds at most " + MAX_ACCESS_ENTRIES + " entries");
        }
        if (to.contains("everyone")) {
            if (to.size() > 1) {
                throw new NodeException(
                        NodeException.Kind.BAD_INPUT, "\"everyone\" cannot be combined with named peers");
            }
            return ShareAccess.everyone();
        }
        Set<PeerId> peers = new HashSet<>();
        for (String entry : to) {
            String text = entry == null ? "" : entry.strip();
            if (!text.startsWith("peer:")) {
                throw new NodeException(
                        NodeException.Kind.BAD_INPUT,
                        "access entries are \"everyone\" or \"peer:<PeerId>\", not '" + abbreviate(text) + "'");
            }
            try {
                peers.add(PeerId.parse(text.substring("peer:".length())));
            } catch (MultiformatException e) {
                throw new NodeException(
                        NodeException.Kind.BAD_INPUT,
                        "'" + abbreviate(text) + "' does not name a PeerId: " + e.getMessage());
            }
        }
        return ShareAccess.peers(peers);
    }

    private static String expandHome(String dir) {
        if (dir.equals("~") || dir.startsWith("~/")) {
            return System.getProperty("user.home") + dir.substring(1);
        }
        return dir;
    }

    private static NodeException noShare(long id) {
        return new NodeException(NodeException.Kind.NOT_FOUND, "there is no share with id " + id);
    }

    private static NodeException storage(IOException e) {
        log.warn("files database: {}", e.toString());
        return new NodeException(NodeException.Kind.UNAVAILABLE, "the files database failed: " + e.getMessage(), e);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "…";
    }

    @Override
    public void close() {
        browse.close();
        shares.close();
        indexer.close();
        db.close();
    }
}
