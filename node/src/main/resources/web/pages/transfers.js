// Transfers: downloads with progress, speed, ETA and sources; pause, resume, cancel.
import { api, h, on, bytes, rate, duration, failure } from "../app.js";

export async function render(root) {
  root.append(h("h1", {}, "Transfers"));
  const out = h("div", { id: "transfers" });
  root.append(h("div", { class: "card" }, out));
  const downloads = new Map();
  let available = true;
  try {
    for (const d of await api("GET", "/downloads")) downloads.set(d.id, d);
  } catch (e) {
    if (!e.unavailable) throw e;
    available = false;
    out.replaceChildren(failure(e, "Downloading"), h("p", { class: "muted" }, "Transfers will appear here once the daemon can download."));
  }
  const show = () => renderDownloads(out, [...downloads.values()], async (id, action) => {
    try {
      const d = action === "cancel" ? await api("DELETE", "/downloads/" + id) : await api("POST", `/downloads/${id}/${action}`);
      if (action === "cancel") downloads.delete(id);
      else if (d) downloads.set(d.id, d);
      show();
    } catch (e) {
      alert(e.message);
    }
  });
  if (available) show();
  const stop = on("download", (d) => {
    if (!available) return;
    downloads.set(d.id, d);
    show();
  });
  // Events carry progress; a slow poll repairs anything missed while the stream reconnected.
  const timer = available ? setInterval(async () => {
    try {
      downloads.clear();
      for (const d of await api("GET", "/downloads")) downloads.set(d.id, d);
      show();
    } catch (e) {
      /* keep what is shown */
    }
  }, 5000) : null;
  root.dataset.loaded = "true";
  return () => {
    stop();
    if (timer) clearInterval(timer);
  };
}

function renderDownloads(out, list, act) {
  if (!list.length) {
    out.replaceChildren(h("p", { class: "muted", id: "no-transfers" }, "No transfers. Find files on the Search page."));
    return;
  }
  const rows = list.map((d) => {
    const pct = d.size > 0 ? Math.min(100, (100 * d.bytesDone) / d.size) : d.state === "done" ? 100 : 0;
    const buttons = [];
    if (d.state === "running" || d.state === "queued") buttons.push(button("Pause", () => act(d.id, "pause"), "pause"));
    if (d.state === "paused" || d.state === "failed") buttons.push(button("Resume", () => act(d.id, "resume"), "resume"));
    if (d.state !== "done") buttons.push(button("Cancel", () => act(d.id, "cancel"), "cancel", "danger"));
    return h("tr", { dataset: { download: d.id, state: d.state } },
      h("td", {}, d.name || d.cid, d.error ? h("div", { class: "bad" }, d.error) : null, d.path ? h("div", { class: "muted mono" }, d.path) : null),
      h("td", {}, h("progress", { max: 100, value: pct }), h("span", { class: "muted progress-text" }, `${pct.toFixed(1)} % of ${bytes(d.size)}`)),
      h("td", {}, d.state),
      h("td", { class: "num" }, d.state === "running" ? rate(d.speedBps) : "–"),
      h("td", { class: "num wide-only" }, d.state === "running" ? duration(d.etaSeconds) : "–"),
      h("td", { class: "num wide-only" }, `${d.sources ?? 0} (${d.peers ?? 0} active)`),
      h("td", {}, h("div", { class: "actions" }, buttons)));
  });
  out.replaceChildren(h("div", { class: "table-wrap" }, h("table", { id: "transfers-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "File"), h("th", {}, "Progress"), h("th", {}, "State"), h("th", { class: "num" }, "Speed"), h("th", { class: "num wide-only" }, "ETA"), h("th", { class: "num wide-only" }, "Sources"), h("th", {}, ""))),
    h("tbody", {}, rows))));
}

function button(text, fn, action, cls = "secondary") {
  const b = h("button", { class: cls, dataset: { action } }, text);
  b.addEventListener("click", fn);
  return b;
}
