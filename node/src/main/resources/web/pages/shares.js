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
    // An open access editor is not redrawn under the user's cursor; saving or cancelling redraws.
    if (!editing.size) renderShares(list, shares, refresh);
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

// Access lists being edited, by share id: what the user has typed so far survives the page's refreshes.
const editing = new Map();

function draftOf(share) {
  const everyone = share.to.includes("everyone");
  return { mode: everyone ? "everyone" : "peers", peers: everyone ? "" : share.to.map((t) => t.replace(/^peer:/, "")).join("\n"), error: "" };
}

/** An inline form under a share's row: everyone, or a list of PeerIds, checked before it is sent. */
function accessEditor(share, draft, rerender, refresh) {
  const to = h("select", { class: "access-to" }, h("option", { value: "everyone" }, "everyone"), h("option", { value: "peers" }, "only these peers"));
  to.value = draft.mode;
  const peers = h("textarea", { class: "access-peers", placeholder: "one PeerId per line", hidden: draft.mode !== "peers" });
  peers.value = draft.peers;
  to.addEventListener("change", () => { draft.mode = to.value; peers.hidden = to.value !== "peers"; });
  peers.addEventListener("input", () => (draft.peers = peers.value));
  const save = h("button", { type: "submit", dataset: { action: "access-save" } }, "Save");
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  cancel.addEventListener("click", () => { editing.delete(share.id); rerender(); });
  const error = h("span", { class: "bad access-error", role: "alert" }, draft.error);
  const form = h("form", { class: "inline access-form" }, h("label", {}, "Visible to", to), h("label", {}, peers), save, cancel, error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const list = accessList(to.value, peers);
    if (!list || !list.length) {
      draft.error = list ? "List at least one PeerId, or choose everyone." : "Each line must be a PeerId (12D3Koo… or Qm…).";
      error.textContent = draft.error;
      return;
    }
    save.disabled = true;
    try {
      await api("PUT", "/shares/" + share.id, { to: list });
      editing.delete(share.id);
      await refresh();
    } catch (e) {
      draft.error = e.message;
      error.textContent = e.message;
      save.disabled = false;
    }
  });
  return h("tr", { class: "access-row", dataset: { accessFor: String(share.id) } }, h("td", { colspan: "6" }, form));
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
    const edit = h("button", { class: "secondary", dataset: { action: "access" }, "aria-expanded": String(editing.has(s.id)) }, "Access…");
    edit.addEventListener("click", () => {
      if (editing.has(s.id)) editing.delete(s.id);
      else editing.set(s.id, draftOf(s));
      renderShares(list, shares, refresh);
    });
    const row = h("tr", { dataset: { shareId: String(s.id), dir: s.dir } },
      h("td", {}, h("div", { class: "mono" }, s.dir)),
      h("td", {}, s.to.map((t) => h("span", { class: "pill", title: t }, t === "everyone" ? "everyone" : shortPeer(t.replace(/^peer:/, ""))))),
      h("td", { class: "num files" }, String(s.files)),
      h("td", { class: "num" }, bytes(s.bytes)),
      h("td", {}, progress),
      h("td", {}, h("div", { class: "actions" }, edit, remove)));
    return editing.has(s.id) ? [row, accessEditor(s, editing.get(s.id), () => renderShares(list, shares, refresh), refresh)] : [row];
  }).flat();
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
