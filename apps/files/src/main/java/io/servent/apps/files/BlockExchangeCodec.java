package io.servent.apps.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.servent.apps.files.proto.BlockExchangeProto;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The messages of {@code /servent/blocks/1.0.0} ({@code blocks.proto}) as checked values: every CID,
 * PeerId and address parsed, every count and length bounded. Decoding either yields a message whose
 * contents are safe to act on or throws {@link ProtocolViolationException}. Sans-I/O, stateless and
 * thread-safe.
 */
final class BlockExchangeCodec {
    /** Largest request message (a dialer's wants). */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Largest response message: one block of the largest size plus room for the rest. */
    static final int MAX_RESPONSE_BYTES = UnixFs.MAX_BLOCK_SIZE + 64 * 1024;
    /** CIDs per list in one message. */
    static final int MAX_CIDS = 256;
    /** Bytes of one CID (sha2-256 CIDs are 36). */
    static final int MAX_CID_BYTES = 128;
    /** Leaves a bitfield may describe: 1 TiB of 1 MiB leaves. */
    static final int MAX_LEAVES = 1 << 20;
    /** Leaf indexes in one announcement. */
    static final int MAX_ANNOUNCED = 4096;
    /** Peers in one PEX answer, and addresses per peer. */
    static final int MAX_PEX_PEERS = 50;

    static final int MAX_PEX_ADDRS = 8;

    private BlockExchangeCodec() {}

    /** What a dialer asks. Lists are never longer than {@link #MAX_CIDS}. */
    record Request(
            List<Cid> wantBlock, List<Cid> wantHave, List<Cid> cancel, Optional<Cid> bitfield, Optional<Cid> pex) {
        Request {
            wantBlock = List.copyOf(wantBlock);
            wantHave = List.copyOf(wantHave);
            cancel = List.copyOf(cancel);
        }

        static Request wantBlocks(List<Cid> cids) {
            return new Request(cids, List.of(), List.of(), Optional.empty(), Optional.empty());
        }

        static Request cancel(List<Cid> cids) {
            return new Request(List.of(), List.of(), cids, Optional.empty(), Optional.empty());
        }

        static Request open(Cid root) {
            return new Request(List.of(), List.of(), List.of(), Optional.of(root), Optional.of(root));
        }
    }

    /** A block as received: the bytes are NOT verified yet (see {@link Block#verify}). */
    static final class BlockData {
        private final Cid cid;
        private final byte[] data;

        BlockData(Cid cid, byte[] data) {
            this.cid = cid;
            this.data = data;
        }

        Cid cid() {
            return cid;
        }

        /** The received bytes (owned by this value, not copied: blocks are large). */
        byte[] data() {
            return data;
        }
    }

    /** Which leaves of {@code root} a peer has: all of them, or the set bits of {@code bits}. */
    record Bitfield(Cid root, boolean complete, int leaves, BitSet bits) {
        boolean has(int index) {
            return complete || bits.get(index);
        }
    }

    record HaveLeaves(Cid root, List<Integer> indexes) {
        HaveLeaves {
            indexes = List.copyOf(indexes);
        }
    }

    record PeerInfo(PeerId peer, List<Multiaddr> addresses) {
        PeerInfo {
            addresses = List.copyOf(addresses);
        }
    }

    record Peers(Cid root, List<PeerInfo> peers) {
        Peers {
            peers = List.copyOf(peers);
        }
    }

    /** What a listener answers; any combination of parts may be present. */
    record Response(
            Optional<BlockData> block,
            List<Cid> have,
            List<Cid> dontHave,
            Optional<Bitfield> bitfield,
            Optional<HaveLeaves> haveLeaves,
            Optional<Peers> peers) {
        Response {
            have = List.copyOf(have);
            dontHave = List.copyOf(dontHave);
        }
    }

    static byte[] encode(Request request) {
        BlockExchangeProto.BlockRequest.Builder b = BlockExchangeProto.BlockRequest.newBuilder();
        request.wantBlock().forEach(c -> b.addWantBlock(bytes(c)));
        request.wantHave().forEach(c -> b.addWantHave(bytes(c)));
        request.cancel().forEach(c -> b.addCancel(bytes(c)));
        request.bitfield().ifPresent(c -> b.setBitfield(bytes(c)));
        request.pex().ifPresent(c -> b.setPex(bytes(c)));
        return b.build().toByteArray();
    }

    static byte[] encodeBlock(Block block) {
        return blockMessage(block).toByteArray();
    }

    /**
     * A block response that wraps the block's bytes instead of copying them (a block is immutable), for
     * writing straight to a stream.
     */
    static BlockExchangeProto.BlockResponse blockMessage(Block block) {
        return BlockExchangeProto.BlockResponse.newBuilder()
                .setBlock(BlockExchangeProto.BlockData.newBuilder()
                        .setCid(bytes(block.cid()))
                        .setData(UnsafeByteOperations.unsafeWrap(block.data())))
                .build();
    }

    static byte[] encodeHaves(List<Cid> have, List<Cid> dontHave) {
        BlockExchangeProto.BlockResponse.Builder b = BlockExchangeProto.BlockResponse.newBuilder();
        have.forEach(c -> b.addHave(bytes(c)));
        dontHave.forEach(c -> b.addDontHave(bytes(c)));
        return b.build().toByteArray();
    }

    static byte[] encode(Bitfield bitfield) {
        BlockExchangeProto.Bitfield.Builder b =
                BlockExchangeProto.Bitfield.newBuilder().setRoot(bytes(bitfield.root()));
        if (bitfield.complete()) {
            b.setComplete(true);
        } else {
            byte[] bits = bitfield.bits().toByteArray();
            byte[] full = new byte[(bitfield.leaves() + 7) / 8];
            System.arraycopy(bits, 0, full, 0, Math.min(bits.length, full.length));
            b.setLeaves(bitfield.leaves()).setBits(ByteString.copyFrom(full));
        }
        return BlockExchangeProto.BlockResponse.newBuilder()
                .setBitfield(b)
                .build()
                .toByteArray();
    }

    static byte[] encode(HaveLeaves have) {
        return BlockExchangeProto.BlockResponse.newBuilder()
                .setHaveLeaves(BlockExchangeProto.HaveLeaves.newBuilder()
                        .setRoot(bytes(have.root()))
                        .addAllIndexes(have.indexes()))
                .build()
                .toByteArray();
    }

    static byte[] encode(Peers peers) {
        BlockExchangeProto.Peers.Builder b =
                BlockExchangeProto.Peers.newBuilder().setRoot(bytes(peers.root()));
        for (PeerInfo info : peers.peers()) {
            BlockExchangeProto.PeerInfo.Builder p = BlockExchangeProto.PeerInfo.newBuilder()
                    .setId(ByteString.copyFrom(info.peer().bytes()));
            info.addresses().forEach(a -> p.addAddrs(ByteString.copyFrom(a.bytes())));
            b.addPeers(p);
        }
        return BlockExchangeProto.BlockResponse.newBuilder().setPeers(b).build().toByteArray();
    }

    static Request decodeRequest(byte[] bytes) throws ProtocolViolationException {
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new ProtocolViolationException(
                    "block request of " + bytes.length + " bytes exceeds " + MAX_REQUEST_BYTES);
        }
        BlockExchangeProto.BlockRequest m;
        try {
            m = BlockExchangeProto.BlockRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed block request: " + e.getMessage(), e);
        }
        return new Request(
                cids(m.getWantBlockList(), "want_block"),
                cids(m.getWantHaveList(), "want_have"),
                cids(m.getCancelList(), "cancel"),
                optionalCid(m.getBitfield(), "bitfield"),
                optionalCid(m.getPex(), "pex"));
    }

    static Response decodeResponse(byte[] bytes) throws ProtocolViolationException {
        if (bytes.length > MAX_RESPONSE_BYTES) {
            throw new ProtocolViolationException(
                    "block response of " + bytes.length + " bytes exceeds " + MAX_RESPONSE_BYTES);
        }
        BlockExchangeProto.BlockResponse m;
        try {
            // Aliasing: the block's bytes are copied once, out of the message, not twice.
            CodedInputStream input = CodedInputStream.newInstance(bytes);
            input.enableAliasing(true);
            m = BlockExchangeProto.BlockResponse.parseFrom(input);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed block response: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new ProtocolViolationException("malformed block response: " + e.getMessage(), e);
        }
        Optional<BlockData> block = Optional.empty();
        if (m.hasBlock()) {
            byte[] data = m.getBlock().getData().toByteArray();
            if (data.length > UnixFs.MAX_BLOCK_SIZE) {
                throw new ProtocolViolationException(
                        "block of " + data.length + " bytes exceeds " + UnixFs.MAX_BLOCK_SIZE);
            }
            block = Optional.of(new BlockData(cid(m.getBlock().getCid(), "block cid"), data));
        }
        Optional<Bitfield> bitfield = Optional.empty();
        if (m.hasBitfield()) {
            bitfield = Optional.of(bitfield(m.getBitfield()));
        }
        Optional<HaveLeaves> haveLeaves = Optional.empty();
        if (m.hasHaveLeaves()) {
            BlockExchangeProto.HaveLeaves h = m.getHaveLeaves();
            if (h.getIndexesCount() > MAX_ANNOUNCED) {
                throw new ProtocolViolationException(
                        "announcement of " + h.getIndexesCount() + " leaves exceeds " + MAX_ANNOUNCED);
            }
            List<Integer> indexes = new ArrayList<>(h.getIndexesCount());
            for (int i : h.getIndexesList()) {
                if (i < 0 || i >= MAX_LEAVES) {
                    throw new ProtocolViolationException("announced leaf index " + Integer.toUnsignedString(i)
                            + " is outside 0.." + (MAX_LEAVES - 1));
                }
                indexes.add(i);
            }
            haveLeaves = Optional.of(new HaveLeaves(cid(h.getRoot(), "announced root"), indexes));
        }
        Optional<Peers> peers = Optional.empty();
        if (m.hasPeers()) {
            peers = Optional.of(peers(m.getPeers()));
        }
        return new Response(
                block,
                cids(m.getHaveList(), "have"),
                cids(m.getDontHaveList(), "dont_have"),
                bitfield,
                haveLeaves,
                peers);
    }

    private static Bitfield bitfield(BlockExchangeProto.Bitfield b) throws ProtocolViolationException {
        Cid root = cid(b.getRoot(), "bitfield root");
        if (b.getComplete()) {
            return new Bitfield(root, true, 0, new BitSet());
        }
        int leaves = b.getLeaves();
        if (leaves < 0 || leaves > MAX_LEAVES) {
            throw new ProtocolViolationException(
                    "bitfield of " + Integer.toUnsignedString(leaves) + " leaves exceeds " + MAX_LEAVES);
        }
        int expected = (leaves + 7) / 8;
        if (b.getBits().size() != expected) {
            throw new ProtocolViolationException(
                    "bitfield of " + leaves + " leaves has " + b.getBits().size() + " bytes, not " + expected);
        }
        BitSet bits = BitSet.valueOf(b.getBits().toByteArray());
        if (bits.length() > leaves) {
            throw new ProtocolViolationException(
                    "bitfield sets bit " + (bits.length() - 1) + " past its " + leaves + " leaves");
        }
        return new Bitfield(root, false, leaves, bits);
    }

    private static Peers peers(BlockExchangeProto.Peers p) throws ProtocolViolationException {
        if (p.getPeersCount() > MAX_PEX_PEERS) {
            throw new ProtocolViolationException(
                    "PEX answer of " + p.getPeersCount() + " peers exceeds " + MAX_PEX_PEERS);
        }
        List<PeerInfo> infos = new ArrayList<>(p.getPeersCount());
        for (BlockExchangeProto.PeerInfo info : p.getPeersList()) {
            if (info.getAddrsCount() > MAX_PEX_ADDRS) {
                throw new ProtocolViolationException(
                        "PEX peer with " + info.getAddrsCount() + " addresses exceeds " + MAX_PEX_ADDRS);
            }
            PeerId peer;
            List<Multiaddr> addresses = new ArrayList<>(info.getAddrsCount());
            try {
                peer = PeerId.fromBytes(info.getId().toByteArray());
                for (ByteString a : info.getAddrsList()) {
                    if (a.size() > Multiaddr.MAX_LENGTH) {
                        throw new ProtocolViolationException("PEX address of " + a.size() + " bytes");
                    }
                    addresses.add(Multiaddr.fromBytes(a.toByteArray()));
                }
            } catch (IllegalArgumentException e) {
                throw new ProtocolViolationException("bad PEX peer: " + e.getMessage(), e);
            }
            infos.add(new PeerInfo(peer, addresses));
        }
        return new Peers(cid(p.getRoot(), "PEX root"), infos);
    }

    private static List<Cid> cids(List<ByteString> list, String field) throws ProtocolViolationException {
        if (list.size() > MAX_CIDS) {
            throw new ProtocolViolationException(field + " lists " + list.size() + " CIDs, more than " + MAX_CIDS);
        }
        List<Cid> out = new ArrayList<>(list.size());
        for (ByteString b : list) {
            out.add(cid(b, field));
        }
        return out;
    }

    private static Optional<Cid> optionalCid(ByteString b, String field) throws ProtocolViolationException {
        return b.isEmpty() ? Optional.empty() : Optional.of(cid(b, field));
    }

    static Cid cid(ByteString b, String field) throws ProtocolViolationException {
        if (b.isEmpty() || b.size() > MAX_CID_BYTES) {
            throw new ProtocolViolationException(
                    field + ": a CID of " + b.size() + " bytes (1 to " + MAX_CID_BYTES + ")");
        }
        Cid cid;
        try {
            cid = Cid.fromBytes(b.toByteArray());
            Block.checkHash(cid);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolationException(field + ": bad CID: " + e.getMessage(), e);
        } catch (BlockVerificationException e) {
            throw new ProtocolViolationException(field + ": " + e.getMessage(), e);
        }
        return cid;
    }

    private static ByteString bytes(Cid cid) {
        return ByteString.copyFrom(cid.bytes());
    }
}
