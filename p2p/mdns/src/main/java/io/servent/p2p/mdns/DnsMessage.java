package io.servent.p2p.mdns;

import java.util.ArrayList;
import java.util.List;

/**
 * A DNS message (RFC 1035 §4.1) as mDNS uses it. Immutable and thread-safe.
 *
 * @param id the transaction id: 0 in multicast mDNS, echoed in answers to legacy unicast queries
 * @param flags the 16 flag bits of the header (QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode)
 */
public record DnsMessage(
        int id,
        int flags,
        List<DnsQuestion> questions,
        List<DnsRecord> answers,
        List<DnsRecord> authorities,
        List<DnsRecord> additionals) {
    public static final int FLAG_RESPONSE = 0x8000;
    public static final int FLAG_AUTHORITATIVE = 0x0400;
    public static final int FLAG_TRUNCATED = 0x0200;

    public DnsMessage {
        if (id < 0 || id > 0xFFFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("DNS id and flags are 16 bits");
        }
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    public static DnsMessage query(List<DnsQuestion> questions) {
        return new DnsMessage(0, 0, questions, List.of(), List.of(), List.of());
    }

    /** An authoritative response, as mDNS responders send them (RFC 6762 §18.4). */
    public static DnsMessage response(
            int id, List<DnsQuestion> questions, List<DnsRecord> answers, List<DnsRecord> additionals) {
        return new DnsMessage(id, FLAG_RESPONSE | FLAG_AUTHORITATIVE, questions, answers, List.of(), additionals);
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    public int opcode() {
        return (flags >> 11) & 0xF;
    }

    public int rcode() {
        return flags & 0xF;
    }

    /** Answers, authorities and additionals together, in that order. */
    public List<DnsRecord> records() {
        List<DnsRecord> all = new ArrayList<>(answers.size() + authorities.size() + additionals.size());
        all.addAll(answers);
        all.addAll(authorities);
        all.addAll(additionals);
        return all;
    }
}
