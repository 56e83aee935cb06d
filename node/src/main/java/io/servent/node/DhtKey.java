package io.servent.node;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.kad.KadSignedRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A DHT record key as a person writes it, and the bytes the DHT stores it under:
 *
 * <ul>
 *   <li>{@code /servent/NAME}: this node's signed record NAME, stored as {@code
 *       /servent/<this PeerId>/NAME}; only this node can write it, the newest sequence number wins;
 *   <li>{@code /servent/PEERID/NAME}: the signed record NAME of that peer (readable by all);
 *   <li>{@code /pk/PEERID}: that peer's public key, as libp2p stores it ({@code /pk/} + the PeerId's
 *       bytes).
 * </ul>
 *
 * A first path segment that parses as a PeerId and has a name after it is taken as the long form.
 * Immutable and thread-safe.
 */
public final class DhtKey {
    static final String HELP = "keys are /servent/NAME (this node's signed record), /servent/PEERID/NAME (another"
            + " peer's) or /pk/PEERID (a peer's public key)";

    private static final int MAX_TEXT = 512;

    private final byte[] bytes;
    private final String text;
    private final PeerId signer;
    private final boolean signed;

    private DhtKey(byte[] bytes, String text, PeerId signer, boolean signed) {
        this.bytes = bytes;
        this.text = text;
        this.signer = signer;
        this.signed = signed;
    }

    /** The key on the wire. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The key in text, as answers print it ({@code /servent/<PeerId>/NAME} or {@code /pk/<PeerId>}). */
    public String text() {
        return text;
    }

    /** For {@code /servent/} keys, the peer whose record it is; for {@code /pk/}, the peer whose key. */
    public PeerId signer() {
        return signer;
    }

    /** Whether it is a {@code /servent/} signed record (else a {@code /pk/} public key). */
    public boolean signed() {
        return signed;
    }

    /** Parses {@code text}; {@code self} owns the short {@code /servent/NAME} form. */
    static DhtKey parse(String text, PeerId self) throws NodeException {
        if (text.length() > MAX_TEXT) {
            throw bad("a key of " + text.length() + " characters is too long; " + HELP);
        }
        if (text.startsWith("/pk/")) {
            PeerId peer =
                    peer(text.substring(4)).orElseThrow(() -> bad("'" + text + "' does not name a peer; " + HELP));
            byte[] id = peer.bytes();
            byte[] key = Arrays.copyOf("/pk/".getBytes(StandardCharsets.US_ASCII), 4 + id.length);
            System.arraycopy(id, 0, key, 4, id.length);
            return new DhtKey(key, "/pk/" + peer, peer, false);
        }
        if (!text.startsWith("/servent/") || text.length() == "/servent/".length()) {
            throw bad("'" + text + "' is not a DHT key this node knows; " + HELP);
        }
        String rest = text.substring("/servent/".length());
        int slash = rest.indexOf('/');
        PeerId owner = self;
        String name = rest;
        if (slash > 0 && slash < rest.length() - 1) {
            @Nullable PeerId named = peer(rest.substring(0, slash)).orElse(null);
            if (named != null) {
                owner = named;
                name = rest.substring(slash + 1);
            }
        }
        try {
            byte[] key = KadSignedRecord.key(owner, name);
            return new DhtKey(key, new String(key, StandardCharsets.UTF_8), owner, true);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage() + "; " + HELP);
        }
    }

    private static java.util.Optional<PeerId> peer(String text) {
        try {
            return java.util.Optional.of(PeerId.parse(text));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static NodeException bad(@Nullable String message) {
        return new NodeException(NodeException.Kind.BAD_INPUT, String.valueOf(message));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhtKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return text;
    }
}
