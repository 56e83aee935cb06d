package io.servent.interop;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gossipsub commands of a {@link JsPeer} started with the {@code gossipsub} service
 * ({@code interop/js/gossipsub.mjs}). Thread-safe, as {@link JsPeer}.
 */
record JsGossipsub(JsPeer js) {
    private static final Duration TIMEOUT = JsPeer.DEFAULT_COMMAND_TIMEOUT;

    /** One delivery to the js application. */
    record Received(String from, String seqno, String data, String msgId, String via) {}

    void subscribe(String topic) {
        js.call("gossipsub-subscribe", Map.of("topic", topic), TIMEOUT);
    }

    void unsubscribe(String topic) {
        js.call("gossipsub-unsubscribe", Map.of("topic", topic), TIMEOUT);
    }

    /** Publishes UTF-8 text; returns the peers js sent it to. */
    List<PeerId> publish(String topic, String data) {
        return peers(js.call("gossipsub-publish", Map.of("topic", topic, "data", data), TIMEOUT)
                .path("recipients"));
    }

    /** Every delivery to the js application so far, in order, duplicates included. */
    List<Received> received(String topic) {
        List<Received> out = new ArrayList<>();
        for (JsonNode m :
                js.call("gossipsub-received", Map.of("topic", topic), TIMEOUT).path("messages")) {
            out.add(new Received(
                    m.path("from").asText(),
                    m.path("seqno").asText(),
                    m.path("data").asText(),
                    m.path("msgId").asText(),
                    m.path("via").asText()));
        }
        return out;
    }

    List<PeerId> mesh(String topic) {
        return peers(js.call("gossipsub-mesh", Map.of("topic", topic), TIMEOUT).path("peers"));
    }

    List<PeerId> subscribers(String topic) {
        return peers(js.call("gossipsub-subscribers", Map.of("topic", topic), TIMEOUT)
                .path("peers"));
    }

    double score(PeerId peer) {
        return js.call("gossipsub-score", Map.of("peer", peer.toString()), TIMEOUT)
                .path("score")
                .asDouble();
    }

    private static List<PeerId> peers(JsonNode array) {
        List<PeerId> out = new ArrayList<>();
        array.forEach(n -> out.add(PeerId.parse(n.asText())));
        return out;
    }
}
