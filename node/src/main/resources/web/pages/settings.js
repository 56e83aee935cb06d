// Settings: servent.toml as a form. Saving writes the file (checked by the daemon with the same
// rules as a start); the daemon applies it when restarted.
import { api, h } from "../app.js";

const HELP = {
  "network.listen": "libp2p multiaddrs, one per line, e.g. /ip4/0.0.0.0/tcp/4001",
  "api.listen": "loopback host:port of this API and web UI, e.g. 127.0.0.1:4080",
  "log.level": "error, warn, info, debug or trace",
  "limits.max_buffered_bytes_per_connection": "bytes or a size such as 32MiB (at least 256KiB)",
  "files.max_download_rate": "per second, all downloads together, e.g. 10MiB; 0 for no limit",
  "files.max_upload_rate": "per second, to all other peers, e.g. 2MiB; 0 for no limit",
};
const LEVELS = ["error", "warn", "info", "debug", "trace"];

export async function render(root) {
  root.append(h("h1", {}, "Settings"));
  const banner = h("div", { id: "settings-restart" });
  const form = h("form", { id: "settings-form" });
  const message = h("div", { class: "message", id: "settings-message", role: "status" });
  root.append(banner, h("div", { class: "card" }, form, message));
  let settings = await api("GET", "/settings");
  const fields = new Map();
  build();
  root.dataset.loaded = "true";

  function build() {
    banner.replaceChildren(settings.restartRequired
      ? h("div", { class: "notice" }, settings.fileError
        ? `servent.toml cannot be read: ${settings.fileError}`
        : "servent.toml differs from the running settings: restart the daemon (servent stop, then servent start) to apply it.")
      : h("p", { class: "muted" }, "Changes are saved to " + settings.file + " and applied when the daemon restarts."));
    form.replaceChildren();
    fields.clear();
    const values = settings.saved || settings.effective;
    for (const [section, keys] of Object.entries(values)) {
      const box = h("fieldset", { class: "card" }, h("legend", {}, section));
      const grid = h("div", { class: "grid" });
      for (const [key, value] of Object.entries(keys)) {
        const name = `${section}.${key}`;
        const input = field(name, value);
        fields.set(name, { input, original: value });
        const now = settings.bound && settings.bound[name];
        grid.append(h("label", {}, key.replace(/_/g, " "), input, HELP[name] ? h("small", {}, HELP[name]) : null,
          now ? h("small", { class: "bound", dataset: { setting: name } }, `running on ${now} (the system chose the port)`) : null));
      }
      box.append(grid);
      form.append(box);
    }
    form.append(h("div", { class: "actions" }, h("button", { type: "submit", id: "settings-save" }, "Save"), h("button", { type: "reset", class: "secondary" }, "Undo changes")));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.replaceChildren();
    const changes = {};
    const problems = [];
    for (const [name, { input, original }] of fields) {
      const [section, key] = name.split(".");
      let value;
      try {
        value = read(input, original);
      } catch (e) {
        input.classList.add("invalid");
        problems.push(`${name}: ${e.message}`);
        continue;
      }
      input.classList.remove("invalid");
      if (JSON.stringify(value) !== JSON.stringify(original)) {
        (changes[section] ||= {})[key] = value;
      }
    }
    if (problems.length) {
      message.replaceChildren(h("div", { class: "bad" }, problems.map((p) => h("div", {}, p))));
      return;
    }
    if (!Object.keys(changes).length) {
      message.replaceChildren(h("span", { class: "muted" }, "Nothing changed."));
      return;
    }
    try {
      settings = await api("PUT", "/settings", changes);
      build();
      message.replaceChildren(h("span", { class: "ok" }, "Saved. Restart the daemon to apply the new settings."));
    } catch (e) {
      message.replaceChildren(h("div", { class: "bad" }, e.message.split("\n").map((l) => h("div", {}, l))));
    }
  });
}

function field(name, value) {
  const id = "setting-" + name.replace(/[._]/g, "-");
  if (name === "log.level") {
    const select = h("select", { id, name }, LEVELS.map((l) => h("option", { value: l, selected: l === value }, l)));
    return select;
  }
  if (typeof value === "boolean") {
    return h("input", { id, name, type: "checkbox", defaultChecked: value });
  }
  if (Array.isArray(value)) {
    return h("textarea", { id, name, rows: Math.max(2, value.length), value: value.join("\n") });
  }
  if (typeof value === "number") {
    return h("input", { id, name, type: "number", min: 0, step: 1, value: String(value), required: true });
  }
  return h("input", { id, name, type: "text", value: String(value), required: true });
}

// Lists of names rather than multiaddrs.
const NAME_LISTS = new Set(["mdns.interfaces"]);

function read(input, original) {
  if (typeof original === "boolean") return input.checked;
  const text = input.value.trim();
  if (Array.isArray(original)) {
    const items = text.split(/\n+/).map((s) => s.trim()).filter(Boolean);
    if (!NAME_LISTS.has(input.name)) {
      for (const item of items) if (!item.startsWith("/")) throw new Error(`'${item}' is not a multiaddr (they start with /)`);
    }
    return items;
  }
  if (typeof original === "number") {
    if (!/^\d+$/.test(text)) throw new Error("must be a whole number of at least 0");
    return Number(text);
  }
  if (!text) throw new Error("must not be empty");
  return text;
}
