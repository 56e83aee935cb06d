package io.servent.p2p.gossipsub;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.io.IOException;

/**
 * Decodes RPCs within {@link GossipsubLimits}: the caller has already bounded the bytes, and a first
 * pass over the wire format counts subscriptions, messages, control entries, message ids and PX peers
 * before the protobuf classes allocate anything for them. Stateless and thread-safe.
 */
final class RpcCodec {
    // RPC
    private static final int SUBSCRIPTIONS = 1;
    private static final int PUBLISH = 2;
    private static final int CONTROL = 3;
    // ControlMessage
    private static final int IHAVE = 1;
    private static final int IWANT = 2;
    private static final int GRAFT = 3;
    private static final int PRUNE = 4;
    private static final int IDONTWANT = 5;
    // ControlIHave.messageIDs; ControlIWant and ControlIDontWant have them as field 1
    private static final int IHAVE_IDS = 2;
    private static final int IWANT_IDS = 1;
    // ControlPrune.peers
    private static final int PRUNE_PEERS = 2;

    private RpcCodec() {}

    static RPC decode(byte[] bytes, GossipsubLimits limits) throws ProtocolViolationException {
        try {
            new Counter(limits).scanRpc(CodedInputStream.newInstance(bytes));
            return RPC.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed gossipsub RPC: " + e.getMessage(), e);
        } catch (ProtocolViolationException e) {
            throw e;
        } catch (IOException e) {
            throw new ProtocolViolationException("malformed gossipsub RPC: " + e.getMessage(), e);
        }
    }

    /** Counts repeated fields across the whole RPC (a control field may occur more than once). */
    private static final class Counter {
        private final GossipsubLimits limits;
        private int subscriptions;
        private int messages;
        private final int[] controlEntries = new int[IDONTWANT + 1];

        Counter(GossipsubLimits limits) {
            this.limits = limits;
        }

        void scanRpc(CodedInputStream in) throws IOException {
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                if (field == SUBSCRIPTIONS && isLengthDelimited(tag)) {
                    check(++subscriptions, limits.maxSubscriptionsPerRpc(), "subscriptions", "maxSubscriptionsPerRpc");
                    in.skipField(tag);
                } else if (field == PUBLISH && isLengthDelimited(tag)) {
                    check(++messages, limits.maxMessagesPerRpc(), "messages", "maxMessagesPerRpc");
                    in.skipField(tag);
                } else if (field == CONTROL && isLengthDelimited(tag)) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    scanControl(in);
                    in.popLimit(limit);
                } else if (!in.skipField(tag)) {
                    return; // an end-group tag: the parser will refuse it
                }
            }
        }

        private void scanControl(CodedInputStream in) throws IOException {
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                if (field >= IHAVE && field <= IDONTWANT && isLengthDelimited(tag)) {
                    check(
                            ++controlEntries[field],
                            limits.maxControlEntriesPerRpc(),
                            kind(field) + " entries",
                            "maxControlEntriesPerRpc");
                    int limit = in.pushLimit(in.readRawVarint32());
                    scanEntry(in, field);
                    in.popLimit(limit);
                } else if (!in.skipField(tag)) {
                    return;
                }
            }
        }

        /** Counts the ids of an IHAVE, IWANT or IDONTWANT entry, or the peers of a PRUNE. */
        private void scanEntry(CodedInputStream in, int kind) throws IOException {
            int counted =
                    switch (kind) {
                        case IHAVE -> IHAVE_IDS;
                        case IWANT, IDONTWANT -> IWANT_IDS;
                        case PRUNE -> PRUNE_PEERS;
                        default -> -1;
                    };
            int max = kind == PRUNE ? limits.maxPeersPerPrune() : limits.maxMessageIdsPerEntry();
            int count = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == counted && isLengthDelimited(tag)) {
                    check(
                            ++count,
                            max,
                            kind == PRUNE ? "peers in one PRUNE" : "message ids in one " + kind(kind),
                            kind == PRUNE ? "maxPeersPerPrune" : "maxMessageIdsPerEntry");
                }
                if (!in.skipField(tag)) {
                    return;
                }
            }
        }

        private static boolean isLengthDelimited(int tag) {
            return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
        }

        private static void check(int count, int max, String what, String limit) throws ProtocolViolationException {
            if (count > max) {
                throw new ProtocolViolationException(
                        "gossipsub RPC has more than " + max + " " + what + " (" + limit + ")");
            }
        }

        private static String kind(int field) {
            return switch (field) {
                case IHAVE -> "IHAVE";
                case IWANT -> "IWANT";
                case GRAFT -> "GRAFT";
                case PRUNE -> "PRUNE";
                default -> "IDONTWANT";
            };
        }
    }
}
