package io.servent.p2p.kad;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.Varint;
import io.servent.p2p.kad.proto.ServentRecordProto.ServentRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Records of the {@code /servent/} namespace: a value its signer alone can write and replace, the
 * highest sequence number winning. The format is specified in the package documentation. Stateless
 * and thread-safe.
 */
public final class KadSignedRecord {
    public static final String NAMESPACE = "servent";

    /** Longest name after {@code /servent/<PeerId>/}, in UTF-8 bytes. */
    public static final int MAX_NAME_LENGTH = 256;

    private static final byte[] PREFIX = "/servent/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOMAIN = "servent-record:".getBytes(StandardCharsets.US_ASCII);

    /** A record that passed validation. */
    public static final class Decoded {
        private final PeerId signer;
        private final String name;
        private final long seq;
        private final byte[] value;

        Decoded(PeerId signer, String name, long seq, byte[] value) {
            this.signer = signer;
            this.name = name;
            this.seq = seq;
            this.value = value;
        }

        public PeerId signer() {
            return signer;
        }

        public String name() {
            return name;
        }

        public long seq() {
            return seq;
        }

        public byte[] value() {
            return value.clone();
        }
    }

    private KadSignedRecord() {}

    /** {@code /servent/<signer, base58>/<name>}. */
    public static byte[] key(PeerId signer, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "record names have 1 to " + MAX_NAME_LENGTH + " UTF-8 bytes, not " + n.length);
        }
        return ("/servent/" + signer + "/" + name).getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes a signature covers: the domain string, the length-prefixed key, the sequence number, the value. */
    static byte[] signedBytes(byte[] key, long seq, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(DOMAIN.length + 10 + key.length + 8 + value.length);
        out.writeBytes(DOMAIN);
        out.writeBytes(Varint.encode(key.length));
        out.writeBytes(key);
        out.writeBytes(ByteBuffer.allocate(8).putLong(seq).array());
        out.writeBytes(value);
        return out.toByteArray();
    }

    /**
     * Signs a record for {@code key} (which must name the signer) and returns the value to store.
     *
     * @param sign signs with the private key of {@code signer}
     */
    public static byte[] create(byte[] key, long seq, byte[] value, PublicKey signer, UnaryOperator<byte[]> sign) {
        if (seq < 0) {
            throw new IllegalArgumentException("sequence numbers are unsigned; got " + seq);
        }
        byte[] signature = sign.apply(signedBytes(key, seq, value));
        return ServentRecord.newBuilder()
                .setValue(ByteString.copyFrom(value))
                .setSeq(seq)
                .setPublicKey(ByteString.copyFrom(signer.marshal()))
                .setSignature(ByteString.copyFrom(signature))
                .build()
                .toByteArray();
    }

    /** Signs a record of {@code host} under {@code /servent/<host>/<name>}. */
    public static byte[] create(Host host, String name, long seq, byte[] value) {
        return create(key(host.peerId(), name), seq, value, host.publicKey(), host::sign);
    }

    /**
     * Validates a record fully: key form, protobuf, that the key names the signer and that the
     * signature covers this key, sequence number and value.
     */
    public static Decoded decode(byte[] key, byte[] encoded) throws InvalidRecordException {
        if (key.length <= PREFIX.length || !Arrays.equals(key, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            throw new InvalidRecordException("signed record key does not start with /servent/");
        }
        int slash = -1;
        for (int i = PREFIX.length; i < key.length; i++) {
            if (key[i] == '/') {
                slash = i;
                break;
            }
        }
        if (slash < 0 || slash == key.length - 1) {
            throw new InvalidRecordException(
                    "signed record key is not /servent/<PeerId>/<name>: " + KadRecordKeys.describe(key));
        }
        int nameLength = key.length - slash - 1;
        if (nameLength > MAX_NAME_LENGTH) {
            throw new InvalidRecordException(
                    "signed record name of " + nameLength + " bytes exceeds " + MAX_NAME_LENGTH);
        }
        PeerId owner;
        try {
            owner = PeerId.parse(new String(key, PREFIX.length, slash - PREFIX.length, StandardCharsets.US_ASCII));
        } catch (MultiformatException e) {
            throw new InvalidRecordException("signed record key does not name a peer: " + e.getMessage(), e);
        }
        ServentRecord record;
        try {
            record = ServentRecord.parseFrom(encoded);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("malformed signed record: " + e.getMessage(), e);
        }
        PublicKey signer;
        try {
            signer = PublicKey.unmarshal(record.getPublicKey().toByteArray());
        } catch (MultiformatException e) {
            throw new InvalidRecordException("signed record carries a bad public key: " + e.getMessage(), e);
        }
        if (!owner.matches(signer)) {
            throw new InvalidRecordException("signed record under " + owner + "'s key is signed by " + signer.peerId()
                    + ": only the owner may write it");
        }
        byte[] value = record.getValue().toByteArray();
        byte[] signed = signedBytes(key, record.getSeq(), value);
        if (!signer.verify(signed, record.getSignature().toByteArray())) {
            throw new InvalidRecordException("signed record for " + KadRecordKeys.describe(key)
                    + " has a signature that does not verify (forged or altered)");
        }
        String name = new String(key, slash + 1, nameLength, StandardCharsets.UTF_8);
        return new Decoded(owner, name, record.getSeq(), value);
    }

    /** The sequence number of a record already validated, without checking it again. */
    static long seqOf(byte[] encoded) {
        try {
            return ServentRecord.parseFrom(encoded).getSeq();
        } catch (InvalidProtocolBufferException e) {
            return -1;
        }
    }

    /** The validator of the {@code /servent/} namespace. Stateless and thread-safe. */
    public static final class Validator implements KadRecordValidator {
        @Override
        public void validate(byte[] key, byte[] value) throws InvalidRecordException {
            decode(key, value);
        }

        /** The highest sequence number; between equal ones, the greatest encoded record, so every node agrees. */
        @Override
        public int select(byte[] key, List<byte[]> values) {
            int best = 0;
            for (int i = 1; i < values.size(); i++) {
                int c = Long.compareUnsigned(seqOf(values.get(i)), seqOf(values.get(best)));
                if (c > 0 || (c == 0 && Arrays.compareUnsigned(values.get(i), values.get(best)) > 0)) {
                    best = i;
                }
            }
            return best;
        }

        @Override
        public String staleReason(byte[] key, byte[] rejected, byte[] kept) {
            return "sequence number " + Long.toUnsignedString(seqOf(rejected)) + " is not newer than the stored "
                    + Long.toUnsignedString(seqOf(kept));
        }
    }
}
