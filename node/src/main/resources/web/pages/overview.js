// Overview: identity, addresses, reachability, connected peers with latency, live bandwidth.
import { api, h, on, bytes, rate, shortPeer, ApiError } from "../app.js";

const HISTORY = 120;

export async function render(root) {
  root.append(h("h1", {}, "Overview"));
  const identity = h("div", { class: "card" }, h("h2", {}, "This node"), h("p", { class: "muted" }, "loading…"));
  const graphCard = h("div", { class: "card" }, h("h2", {}, "Bandwidth"));
  const canvas = h("canvas", { id: "bandwidth", width: 800, height: 160 });
  const legend = h("div", { class: "legend" }, h("span", { class: "in", id: "rate-in" }, "down –"), h("span", { class: "out", id: "rate-out" }, "up –"));
  graphCard.append(canvas, legend);
  const peersCard = h("div", { class: "card" }, h("h2", {}, "Connected peers"));
  const peersBody = h("div", { id: "peers" });
  peersCard.append(peersBody);
  const warnCard = h("div", { class: "card" }, h("h2", {}, "Recent warnings"));
  const warnList = h("ul", { class: "plain", id: "warnings" });
  warnCard.append(warnList);
  root.append(h("div", { class: "grid" }, identity, graphCard), peersCard, warnCard);

  const samples = [];
  const draw = () => drawGraph(canvas, samples);
  const stops = [];

  const [id, peers, traffic, network, logs] = await Promise.all([
    api("GET", "/id"),
    api("GET", "/peers"),
    api("GET", "/traffic").catch(() => []),
    api("GET", "/network").catch((e) => (e instanceof ApiError ? null : null)),
    api("GET", "/logs").catch(() => []),
  ]);
  renderIdentity(identity, id, network);
  renderPeers(peersBody, peers);
  samples.push(...traffic.slice(-HISTORY));
  draw();
  showRates(samples);
  for (const entry of logs.slice(-10).reverse()) warnList.append(warning(entry));
  if (!warnList.children.length) warnList.append(h("li", { class: "muted" }, "none"));

  stops.push(on("traffic", (s) => {
    samples.push(s);
    if (samples.length > HISTORY) samples.shift();
    draw();
    showRates(samples);
  }));
  let refreshing = false;
  const refreshPeers = async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      renderPeers(peersBody, await api("GET", "/peers"));
    } catch (e) {
      /* shown on next success */
    } finally {
      refreshing = false;
    }
  };
  stops.push(on("peer", refreshPeers));
  stops.push(on("log", (entry) => {
    if (warnList.firstChild && warnList.firstChild.classList.contains("muted")) warnList.replaceChildren();
    warnList.prepend(warning(entry));
    while (warnList.children.length > 10) warnList.lastChild.remove();
  }));
  const timer = setInterval(refreshPeers, 5000); // latencies change without events
  const resize = () => draw();
  window.addEventListener("resize", resize);
  root.dataset.loaded = "true";
  return () => {
    stops.forEach((s) => s());
    clearInterval(timer);
    window.removeEventListener("resize", resize);
  };
}

function renderIdentity(card, id, network) {
  const dl = h("dl", { class: "kv" },
    h("dt", {}, "PeerId"), h("dd", { class: "mono", id: "peer-id" }, id.peerId),
    h("dt", {}, "Agent"), h("dd", {}, id.agent),
    h("dt", {}, "Addresses"), h("dd", { id: "addresses" }, id.addresses.length ? id.addresses.map((a) => h("div", { class: "mono" }, a)) : h("span", { class: "muted" }, "not listening")),
    h("dt", {}, "Reachability"), h("dd", { id: "reachability" }, reachability(network)),
    h("dt", {}, "Protocols"), h("dd", {}, id.protocols.map((p) => h("span", { class: "pill" }, p))));
  card.replaceChildren(h("h2", {}, "This node"), dl);
}

function reachability(network) {
  if (!network) return h("span", { class: "muted" }, "unknown (AutoNAT is not wired into this daemon yet)");
  const value = network.reachability ?? network.nat ?? network.status;
  return value === undefined ? h("span", { class: "muted" }, "unknown") : String(value);
}

function renderPeers(body, peers) {
  if (!peers.length) {
    body.replaceChildren(h("p", { class: "muted", id: "no-peers" }, "No peers connected. Use “servent connect MULTIADDR” or wait for discovery."));
    return;
  }
  const rows = peers.map((p) => h("tr", { dataset: { peer: p.peerId } },
    h("td", { class: "mono", title: p.peerId }, shortPeer(p.peerId)),
    h("td", { class: "mono wide-only" }, p.remoteAddress),
    h("td", {}, p.direction === "inbound" ? "in" : "out"),
    h("td", { class: "wide-only" }, p.agent ?? "?"),
    h("td", { class: "num" }, p.latencyMs == null ? "–" : p.latencyMs.toFixed(1) + " ms"),
    h("td", { class: "num" }, String(p.streams))));
  body.replaceChildren(h("div", { class: "table-wrap" }, h("table", { id: "peers-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Peer"), h("th", { class: "wide-only" }, "Address"), h("th", {}, "Dir"),
      h("th", { class: "wide-only" }, "Agent"), h("th", { class: "num" }, "Latency"), h("th", { class: "num" }, "Streams"))),
    h("tbody", {}, rows))), h("p", { class: "muted" }, `${peers.length} connection${peers.length === 1 ? "" : "s"}`));
}

function warning(entry) {
  return h("li", {}, h("span", { class: entry.level === "error" ? "bad" : "muted" }, new Date(entry.time).toLocaleTimeString() + " " + entry.logger + ": "), entry.message);
}

function showRates(samples) {
  const last = samples[samples.length - 1];
  if (!last) return;
  document.getElementById("rate-in").textContent = "down " + rate(last.inBps) + " (" + bytes(last.bytesIn) + " total)";
  document.getElementById("rate-out").textContent = "up " + rate(last.outBps) + " (" + bytes(last.bytesOut) + " total)";
}

function drawGraph(canvas, samples) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(200, canvas.clientWidth) * ratio;
  const height = Math.max(100, canvas.clientHeight) * ratio;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const g = canvas.getContext("2d");
  const style = getComputedStyle(document.documentElement);
  g.clearRect(0, 0, width, height);
  const max = Math.max(1024, ...samples.map((s) => Math.max(s.inBps, s.outBps)));
  g.strokeStyle = style.getPropertyValue("--line");
  g.lineWidth = 1;
  for (let i = 1; i < 4; i++) {
    const y = Math.round((height * i) / 4) + 0.5;
    g.beginPath();
    g.moveTo(0, y);
    g.lineTo(width, y);
    g.stroke();
  }
  g.fillStyle = style.getPropertyValue("--muted");
  g.font = `${11 * ratio}px system-ui, sans-serif`;
  g.fillText(rate(max), 4 * ratio, 12 * ratio);
  const line = (key, color) => {
    g.strokeStyle = color;
    g.lineWidth = 2 * ratio;
    g.beginPath();
    samples.forEach((s, i) => {
      const x = width - (samples.length - 1 - i) * (width / (HISTORY - 1));
      const y = height - (s[key] / max) * (height - 16 * ratio);
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.stroke();
  };
  line("inBps", style.getPropertyValue("--in").trim() || "#2f6fdf");
  line("outBps", style.getPropertyValue("--out").trim() || "#e07b26");
}
