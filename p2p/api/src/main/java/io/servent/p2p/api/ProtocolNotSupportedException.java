package io.servent.p2p.api;

import java.io.IOException;
import java.util.List;

/** Protocol negotiation found no protocol both sides speak. */
public class ProtocolNotSupportedException extends IOException {
    private final List<String> offered;

    public ProtocolNotSupportedException(List<String> offered) {
        super("the remote peer supports none of " + offered);
        this.offered = List.copyOf(offered);
    }

    public List<String> offered() {
        return offered;
    }
}
