// Shares: add and remove shared folders, edit who may see them, watch indexing; browse a peer.
import { api, h, on, bytes, shortPeer, failure } from "../app.js";

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{40,60}$/;

export async function render(root) {
  root.append(h("h1", {}, "Shares"));
  const message = h("div", { class: "message", id: "share-message", role: "status" });
  const dir = h("input", { id: "share-dir", type: "text", placeholder: "/home/me/Music", required: true, autocomplete: "off" });
  const to = h("select", { id: "share-to" }, h("option", { value: "everyone" }, "everyone"), h("option", { value: "peers" }, "only these peers"));
  const peers = h("textarea", { id: "share-peers", placeholder: "one PeerId per line", hidden: true });
  to.addEventListener("change", () => (peers.hidden = to.value !== "peers"));
  const add = h("button", { id: "share-add", type: "submit" }, "Share folder");
  const form = h("form", { class: "inline", id: "share-form" },
    h("label", {}, "Folder (absolute path on this machine)", dir), h("label", {}, "Visible to", to), h("label", {}, peers), add);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.replaceChildren();
    const access = accessList(to.value, peers);
    if (!access) {
      message.append(h("span", { class: "bad" }, "Each line must be a PeerId (12D3Koo… or Qm…)."));
      return;
    }
    if (!dir.value.trim().startsWith("/") && !dir.value.trim().startsWith("~")) {
      dir.classList.add("invalid");
      message.append(h("span", { class: "bad" }, "Give the folder's absolute path, e.g. /home/me/Music."));
      return;
    }
    dir.classList.remove("invalid");
    add.disabled = true;
    try {
      const share = await api("POST", "/shares", { dir: dir.value.trim(), to: access });
      message.append(h("span", { class: "ok" }, `Sharing ${share.dir}; indexing in the background.`));
      dir.value = "";
      await refresh();
    } catch (e) {
      message.append(h("span", { class: "bad" }, e.message));
    } finally {
      add.disabled = false;
    }
  });
  const list = h("div", { id: "shares" });
  root.append(h("div", { class: "card" }, h("h2", {}, "Share a folder"), form, message), h("div", { class: "card" }, h("h2", {}, "Shared folders"), list));

  // Browse
  const peer = h("input", { id: "browse-peer", type: "text", placeholder: "PeerId of a connected peer", list: "connected-peers", autocomplete: "off" });
  const known = h("datalist", { id: "connected-peers" });
  const go = h("button", { id: "browse-go", type: "submit" }, "Browse");
  const browseOut = h("div", { id: "browse" });
  const browseForm = h("form", { class: "inline" }, h("label", {}, "Peer", peer), known, go);
  browseForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = peer.value.trim();
    if (!PEER_ID.test(id)) {
      peer.classList.add("invalid");
      browseOut.replaceChildren(h("p", { class: "bad" }, "That is not a PeerId."));
      return;
    }
    peer.classList.remove("invalid");
    go.disabled = true;
    browseOut.replaceChildren(h("p", { class: "muted" }, "asking " + shortPeer(id) + "…"));
    try {
      renderBrowse(browseOut, await api("GET", "/browse/" + encodeURIComponent(id)));
    } catch (e) {
      browseOut.replaceChildren(failure(e, "Browsing"));
    } finally {
      go.disabled = false;
    }
  });
  root.append(h("div", { class: "card" }, h("h2", {}, "Browse a peer"), browseForm, browseOut));
  api("GET", "/peers").then((ps) => known.replaceChildren(...[...new Set(ps.map((p) => p.peerId))].map((id) => h("option", { value: id })))).catch(() => {});

  let timer = null;
  async function refresh() {
    const shares = await api("GET", "/shares");
    renderShares(list, shares, refresh);
    clearTimeout(timer);
    // Poll quickly while something is being indexed, slowly otherwise (files change on disk too).
    timer = setTimeout(() => refresh().catch(() => {}), shares.some((s) => s.indexing.scanning) ? 700 : 5000);
  }
  await refresh();
  root.dataset.loaded = "true";
  return () => clearTimeout(timer);
}

function accessList(mode, textarea) {
  if (mode === "everyone") return ["everyone"];
  const ids = textarea.value.split(/[\s,]+/).filter(Boolean);
  if (!ids.every((id) => PEER_ID.test(id))) {
    textarea.classList.add("invalid");
    return null;
  }
  textarea.classList.remove("invalid");
  return ids.map((id) => "peer:" + id);
}

function renderShares(list, shares, refresh) {
  if (!shares.length) {
    list.replaceChildren(h("p", { class: "muted", id: "no-shares" }, "Nothing is shared yet."));
    return;
  }
  const rows = shares.map((s) => {
    const progress = s.indexing.scanning
      ? h("div", {}, h("progress", { max: Math.max(1, s.indexing.total), value: s.indexing.done }), h("span", { class: "muted" }, `${s.indexing.done} / ${s.indexing.total} files hashed`))
      : h("span", { class: "ok" }, "indexed");
    const remove = h("button", { class: "danger", dataset: { action: "unshare" } }, "Stop sharing");
    remove.addEventListener("click", async () => {
      if (!confirm(`Stop sharing ${s.dir}? Peers will no longer see its files.`)) return;
      remove.disabled = true;
      try {
        await api("DELETE", "/shares/" + s.id);
      } finally {
        await refresh().catch(() => {});
      }
    });
    const edit = h("button", { class: "secondary", dataset: { action: "access" } }, "Access…");
    edit.addEventListener("click", async () => {
      const current = s.to.includes("everyone") ? "everyone" : s.to.map((t) => t.replace(/^peer:/, "")).join("\n");
      const answer = prompt("Who may see this folder? Type “everyone”, or PeerIds separated by spaces or new lines.", current);
      if (answer === null) return;
      const value = answer.trim();
      const to = value === "everyone" || value === "" ? ["everyone"] : value.split(/[\s,]+/).map((id) => "peer:" + id);
      try {
        await api("PUT", "/shares/" + s.id, { to });
      } catch (e) {
        alert(e.message);
      }
      await refresh().catch(() => {});
    });
    return h("tr", { dataset: { shareId: String(s.id), dir: s.dir } },
      h("td", {}, h("div", { class: "mono" }, s.dir)),
      h("td", {}, s.to.map((t) => h("span", { class: "pill", title: t }, t === "everyone" ? "everyone" : shortPeer(t.replace(/^peer:/, ""))))),
      h("td", { class: "num files" }, String(s.files)),
      h("td", { class: "num" }, bytes(s.bytes)),
      h("td", {}, progress),
      h("td", {}, h("div", { class: "actions" }, edit, remove)));
  });
  list.replaceChildren(h("div", { class: "table-wrap" }, h("table", { id: "shares-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Folder"), h("th", {}, "Visible to"), h("th", { class: "num" }, "Files"), h("th", { class: "num" }, "Size"), h("th", {}, "Index"), h("th", {}, ""))),
    h("tbody", {}, rows))));
}

function renderBrowse(out, result) {
  if (!result.files.length) {
    out.replaceChildren(h("p", { class: "muted" }, shortPeer(result.peer) + " shares nothing with you."));
    return;
  }
  const rows = result.files.map((f) => h("tr", { dataset: { cid: f.cid } },
    h("td", {}, f.name), h("td", { class: "num" }, bytes(f.size)), h("td", {}, f.type), h("td", { class: "mono wide-only" }, f.cid)));
  out.replaceChildren(h("p", { class: "muted" }, `${result.files.length} file${result.files.length === 1 ? "" : "s"} from ${shortPeer(result.peer)}`),
    h("div", { class: "table-wrap" }, h("table", { id: "browse-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", { class: "num" }, "Size"), h("th", {}, "Type"), h("th", { class: "wide-only" }, "CID"))),
      h("tbody", {}, rows))));
}
