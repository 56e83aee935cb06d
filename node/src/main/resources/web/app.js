// The servent web UI: a client of the daemon's control API (the same API the servent command uses).
// Plain ES modules, no build step. Each page module exports render(root, ctx) and may return a
// cleanup function; ctx gives the API helpers and the live event stream.
import * as overview from "./pages/overview.js";
import * as search from "./pages/search.js";
import * as transfers from "./pages/transfers.js";
import * as shares from "./pages/shares.js";
import * as network from "./pages/network.js";
import * as settings from "./pages/settings.js";

const PAGES = { overview, search, transfers, shares, network, settings };
const API = "/api/v1";

/** An API failure: the HTTP status and the daemon's sentence. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
  /** The route does not exist in this daemon yet (a feature still to land) or is not implemented. */
  get unavailable() {
    return this.status === 501 || this.status === 405 || (this.status === 404 && this.message.startsWith("no such API route"));
  }
}

/** Calls the API; resolves to parsed JSON (null for 204), rejects with ApiError. */
export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch (e) {
    throw new ApiError(0, "the daemon does not answer (is it still running?)");
  }
  if (response.status === 401) {
    document.getElementById("login").hidden = false;
  }
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const message = json && typeof json.error === "string" ? json.error : `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return json;
}

/** Builds an element: h("td", {class: "num"}, "12 MB"). Strings become text nodes (never HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value") el.value = v;
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = Number(n);
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)) + " " + units[i];
}

export function rate(bps) {
  return bytes(bps) + "/s";
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
  const s = Math.round(seconds);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
}

export function shortPeer(id) {
  return id && id.length > 16 ? id.slice(0, 8) + "…" + id.slice(-6) : id;
}

/** A message box for a failure; "not available yet" for routes that are still to come. */
export function failure(e, what) {
  if (e instanceof ApiError && e.unavailable) {
    return h("div", { class: "notice", dataset: { unavailable: "true" } }, `${what} is not available yet in this daemon.`);
  }
  return h("div", { class: "notice" }, e.message || String(e));
}

// ---- live events: one EventSource for the whole UI ----
const listeners = new Map();
let source = null;

export function on(type, fn) {
  if (!listeners.has(type)) {
    listeners.set(type, new Set());
    if (source) source.addEventListener(type, dispatch);
  }
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}

function dispatch(event) {
  let data = null;
  try {
    data = JSON.parse(event.data);
  } catch (e) {
    return;
  }
  for (const fn of listeners.get(event.type) || []) fn(data);
}

function connect() {
  const live = document.getElementById("live");
  source = new EventSource(API + "/events");
  for (const type of listeners.keys()) source.addEventListener(type, dispatch);
  source.addEventListener("hello", () => {
    live.textContent = "live";
    live.className = "live on";
  });
  source.onerror = () => {
    live.textContent = "reconnecting…";
    live.className = "live off";
    // EventSource retries by itself; after a 401 it gives up, so probe and retry slowly.
    if (source.readyState === EventSource.CLOSED) {
      setTimeout(connect, 3000);
    }
  };
}

// ---- routing ----
let cleanup = null;

async function route() {
  const name = (location.hash.replace(/^#\/?/, "") || "overview").split("?")[0];
  const page = PAGES[name] ? name : "overview";
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.page === page);
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  const root = document.getElementById("page");
  root.replaceChildren();
  root.dataset.page = page;
  document.title = "servent · " + page;
  try {
    cleanup = await PAGES[page].render(root);
  } catch (e) {
    root.append(failure(e, page));
  }
}

window.addEventListener("hashchange", route);
on("log", () => {}); // keep the listener map non-empty so warnings reach pages that subscribe later
connect();
route();
