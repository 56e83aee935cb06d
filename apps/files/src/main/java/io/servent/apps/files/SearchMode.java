package io.servent.apps.files;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** How a search looks for files. The REST names are the lower-case names ({@code server}, …). */
public enum SearchMode {
    /** Ask the configured index (directory) servers, Napster-style. */
    SERVER,
    /** Flood through super-peers (Gnutella 0.6), routed by query-routing tables. */
    FLOOD,
    /** Keyword provider records in the Kademlia DHT (eMule Kad). */
    DHT;

    /** Every mode. */
    public static Set<SearchMode> all() {
        return EnumSet.allOf(SearchMode.class);
    }

    /** {@code server}, {@code flood}, {@code dht}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code server|flood|dht|all}. */
    public static Set<SearchMode> parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) {
            return all();
        }
        for (SearchMode m : values()) {
            if (m.wireName().equals(t)) {
                return EnumSet.of(m);
            }
        }
        throw new IllegalArgumentException("unknown search mode '" + text + "': use server, flood, dht or all");
    }
}
