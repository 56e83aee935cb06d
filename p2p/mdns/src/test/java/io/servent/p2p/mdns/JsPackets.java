package io.servent.p2p.mdns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Properties;

/** Datagrams captured from js-libp2p's @libp2p/mdns (see the resource file for how). */
final class JsPackets {
    static final String RESPONSE_ONE_PEER = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5";
    static final String RESPONSE_TWO_PEER = "12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq";

    private static final Properties PACKETS = load();

    private JsPackets() {}

    static byte[] query() {
        return get("query");
    }

    static byte[] responseOne() {
        return get("response-one");
    }

    static byte[] responseTwo() {
        return get("response-two");
    }

    private static byte[] get(String name) {
        return HexFormat.of().parseHex(PACKETS.getProperty(name));
    }

    private static Properties load() {
        try (InputStream in = JsPackets.class.getResourceAsStream("/js-libp2p-mdns-packets.properties")) {
            if (in == null) {
                throw new IllegalStateException("js-libp2p-mdns-packets.properties is missing");
            }
            Properties p = new Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
