// Network: what the daemon reports about the overlay (DHT size estimate, super-peer status, relays),
// from /network, /files/status and /dht/stats when this daemon has them, plus connection counts.
import { api, h, failure } from "../app.js";

export async function render(root) {
  root.append(h("h1", {}, "Network"));
  const summary = h("div", { class: "card", id: "network-summary" }, h("h2", {}, "Connections"));
  const overlay = h("div", { class: "card", id: "network-status" }, h("h2", {}, "Overlay"));
  const dht = h("div", { class: "card", id: "dht-stats" }, h("h2", {}, "DHT"));
  const search = h("div", { class: "card", id: "search-status" }, h("h2", {}, "Search"));
  root.append(summary, h("div", { class: "grid" }, overlay, search, dht));
  const refresh = async () => {
    const [peers, traffic, network, stats, files] = await Promise.all([
      api("GET", "/peers"),
      api("GET", "/traffic").catch(() => []),
      api("GET", "/network").catch((e) => e),
      api("GET", "/dht/stats").catch((e) => e),
      api("GET", "/files/status").catch((e) => e),
    ]);
    const last = traffic[traffic.length - 1];
    summary.replaceChildren(h("h2", {}, "Connections"), h("dl", { class: "kv" },
      h("dt", {}, "Connections"), h("dd", { id: "connection-count" }, String(peers.length)),
      h("dt", {}, "Peers"), h("dd", {}, String(new Set(peers.map((p) => p.peerId)).size)),
      h("dt", {}, "Inbound / outbound"), h("dd", {}, `${peers.filter((p) => p.direction === "inbound").length} / ${peers.filter((p) => p.direction === "outbound").length}`),
      h("dt", {}, "Open streams"), h("dd", {}, String(peers.reduce((n, p) => n + p.streams, 0))),
      h("dt", {}, "Payload in / out"), h("dd", {}, last ? `${fmt(last.bytesIn)} / ${fmt(last.bytesOut)}` : "–")));
    overlay.replaceChildren(h("h2", {}, "Overlay"), network instanceof Error ? failure(network, "Network status (super-peer role, relays, reachability)") : table(network));
    dht.replaceChildren(h("h2", {}, "DHT"), stats instanceof Error ? failure(stats, "The DHT") : table(stats));
    search.replaceChildren(h("h2", {}, "Search"), files instanceof Error ? failure(files, "Search status (flooding role, publication)") : searchStatus(files));
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  root.dataset.loaded = "true";
  return () => clearInterval(timer);
}

/** The flooding role and links, then what the last publication of this node's shares reached. */
function searchStatus(s) {
  const p = s.publication;
  const when = p.publishedAt ? new Date(p.publishedAt).toLocaleTimeString() : "not yet";
  return h("dl", { class: "kv" },
    h("dt", {}, "Flooding role"), h("dd", { id: "flood-role" }, s.floodRole),
    h("dt", {}, s.floodRole === "super-peer" ? "Leaves / neighbours" : "Super-peers"),
    h("dd", {}, s.floodRole === "super-peer" ? `${s.leaves.length} / ${s.neighbours.length}` : String(s.superPeers.length)),
    h("dt", {}, "Index server"), h("dd", {}, s.indexServer ? "this node runs one" : "no"),
    h("dt", {}, "Index servers used"), h("dd", {}, table(s.indexServers)),
    h("dt", {}, "Shares published"), h("dd", { id: "publication" },
      p.pending ? "publishing…" : `${p.files} files at ${when}`
        + (p.indexServers ? `, ${p.indexServersReached} of ${p.indexServers} index servers` : "")
        + (p.dhtRecords >= 0 ? `, ${p.dhtRecords} DHT records` : "")),
    ...(p.error ? [h("dt", {}, "Problem"), h("dd", { class: "bad" }, p.error)] : []));
}

function fmt(n) {
  return n >= 1e6 ? (n / 1e6).toFixed(1) + " MB" : n >= 1e3 ? (n / 1e3).toFixed(1) + " KB" : n + " B";
}

/** Any JSON object as a readable list: nested objects indent, arrays list their items. */
function table(value) {
  if (typeof value === "number" && !Number.isInteger(value)) return h("span", {}, value.toFixed(1));
  if (value === null || typeof value !== "object") return h("span", {}, String(value));
  if (Array.isArray(value)) {
    if (!value.length) return h("span", { class: "muted" }, "none");
    return h("ul", { class: "plain" }, value.map((v) => h("li", {}, typeof v === "object" ? table(v) : h("span", { class: "mono" }, String(v)))));
  }
  return h("dl", { class: "kv" }, Object.entries(value).flatMap(([k, v]) => [h("dt", {}, label(k)), h("dd", {}, table(v))]));
}

function label(key) {
  return key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}
