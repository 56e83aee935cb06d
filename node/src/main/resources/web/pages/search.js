// Search: a search is a resource whose results stream in (POST /searches, then search-hit events
// and GET /searches/{id}); results arrive merged by file (CID) with their source counts.
import { api, h, on, bytes, failure } from "../app.js";

const MODES = [["all", "everywhere"], ["server", "directory servers"], ["flood", "super-peers"], ["dht", "DHT"]];
const TYPES = [["", "any type"], ["audio", "audio"], ["video", "video"], ["image", "images"], ["document", "documents"], ["archive", "archives"]];

export async function render(root) {
  root.append(h("h1", {}, "Search"));
  const words = h("input", { id: "search-words", type: "text", placeholder: "words in the file name", required: true, maxlength: 200, autocomplete: "off" });
  const mode = h("select", { id: "search-mode" }, MODES.map(([v, t]) => h("option", { value: v }, t)));
  const type = h("select", { id: "search-type" }, TYPES.map(([v, t]) => h("option", { value: v }, t)));
  const go = h("button", { id: "search-go", type: "submit" }, "Search");
  const status = h("div", { id: "search-status", class: "message", role: "status" });
  const results = h("div", { id: "search-results" });
  const form = h("form", { class: "inline", id: "search-form" }, h("label", {}, "Words", words), h("label", {}, "Where", mode), h("label", {}, "Type", type), go);
  const resultsCard = h("div", { class: "card", hidden: true }, results);
  root.append(h("div", { class: "card" }, form, status), resultsCard);

  const byCid = new Map();
  let current = null;
  let timer = null;
  const stops = [];
  const show = () => {
    resultsCard.hidden = false;
    renderResults(results, [...byCid.values()]);
  };
  stops.push(on("search-hit", (e) => {
    if (e.searchId !== current) return;
    merge(byCid, [e.result]);
    show();
  }));
  stops.push(on("search-done", (e) => {
    if (e.searchId !== current) return;
    merge(byCid, e.results || []);
    show();
    status.replaceChildren(h("span", {}, `Done: ${byCid.size} file${byCid.size === 1 ? "" : "s"}.`));
  }));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!words.value.trim()) return;
    clearTimeout(timer);
    if (current) api("DELETE", "/searches/" + current).catch(() => {});
    byCid.clear();
    results.replaceChildren();
    status.replaceChildren(h("span", { class: "muted" }, "searching…"));
    const body = { words: words.value.trim(), mode: mode.value };
    if (type.value) body.type = type.value;
    try {
      const created = await api("POST", "/searches", body);
      current = created.id;
      poll();
    } catch (e) {
      status.replaceChildren(failure(e, "Search"));
    }
  });

  // Events carry hits as they come; polling catches up after a reconnect and ends the search.
  async function poll() {
    if (!current) return;
    try {
      const s = await api("GET", "/searches/" + current);
      merge(byCid, s.results || []);
      show();
      if (s.state === "done") {
        status.replaceChildren(h("span", {}, `Done: ${byCid.size} file${byCid.size === 1 ? "" : "s"}.`));
        return;
      }
      status.replaceChildren(h("span", { class: "muted" }, `searching… ${byCid.size} so far`));
    } catch (e) {
      status.replaceChildren(failure(e, "Search"));
      return;
    }
    timer = setTimeout(poll, 1000);
  }

  // Say up front when the daemon has no search yet, rather than after the first try.
  try {
    await api("GET", "/searches/probe");
  } catch (e) {
    if (e.unavailable) {
      status.replaceChildren(failure(e, "Search"));
      go.disabled = true;
    }
  }
  root.dataset.loaded = "true";
  return () => {
    stops.forEach((s) => s());
    clearTimeout(timer);
  };
}

function merge(byCid, list) {
  for (const r of list) {
    const known = byCid.get(r.cid);
    byCid.set(r.cid, known ? { ...known, ...r, sources: Math.max(known.sources || 0, r.sources || 0) } : r);
  }
}

function renderResults(out, list) {
  list.sort((a, b) => (b.sources || 0) - (a.sources || 0) || (b.score || 0) - (a.score || 0));
  if (!list.length) {
    out.replaceChildren(h("p", { class: "muted" }, "No results yet."));
    return;
  }
  const rows = list.map((r) => {
    const download = h("button", { dataset: { action: "download" } }, "Download");
    download.addEventListener("click", async () => {
      download.disabled = true;
      try {
        await api("POST", "/downloads", { cid: r.cid, name: r.name });
        download.textContent = "Queued ✓";
      } catch (e) {
        download.disabled = false;
        alert(e.unavailable ? "Downloads are not available yet in this daemon." : e.message);
      }
    });
    return h("tr", { dataset: { cid: r.cid } },
      h("td", {}, r.name, (r.names || []).length > 1 ? h("div", { class: "muted" }, `also as ${r.names.length - 1} other name${r.names.length > 2 ? "s" : ""}`) : null),
      h("td", { class: "num" }, bytes(r.size)),
      h("td", { class: "wide-only" }, r.type || ""),
      h("td", { class: "num sources" }, String(r.sources ?? 1)),
      h("td", { class: "wide-only" }, (r.modes || []).map((m) => h("span", { class: "pill" }, m))),
      h("td", {}, download));
  });
  out.replaceChildren(h("div", { class: "table-wrap" }, h("table", { id: "search-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", { class: "num" }, "Size"), h("th", { class: "wide-only" }, "Type"), h("th", { class: "num" }, "Sources"), h("th", { class: "wide-only" }, "Found by"), h("th", {}, ""))),
    h("tbody", {}, rows))));
}
