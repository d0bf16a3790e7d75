// Building the page from data. Every value goes in as text (text nodes, textContent, attribute
// values), never as HTML: an account named <img src=x onerror=alert(1)> shows as those characters.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replaces the children of `el`.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// A link to a page of the console: #/page[/id][?params].
export function route(page, id, params) {
  let hash = "#/" + page;
  if (id) hash += "/" + encodeURIComponent(id);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "") query.set(k, v);
  const q = query.toString();
  return q ? hash + "?" + q : hash;
}

export function link(page, id, params, ...text) {
  return h("a", { href: route(page, id, params) }, text.length ? text : id);
}

export function code(text) {
  return h("code", null, text);
}

// --- emulator time -----------------------------------------------------------------------------

// The emulator's clock, as last reported by the server, moving on with the browser's own clock.
export const clock = {
  serverMs: null,
  offsetMs: 0,
  at: 0,
  set(nowSeconds, offsetSeconds) {
    this.serverMs = nowSeconds * 1000;
    this.offsetMs = offsetSeconds * 1000;
    this.at = performance.now();
  },
  now() {
    return this.serverMs === null ? Date.now() : this.serverMs + (performance.now() - this.at);
  },
};

const pad = (n, w = 2) => String(n).padStart(w, "0");

// "2026-11-28 11:15:52 UTC" from epoch seconds.
export function formatTime(seconds, withSeconds = true) {
  if (seconds === undefined || seconds === null) return "–";
  const d = new Date(seconds * 1000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` + (withSeconds ? `:${pad(d.getUTCSeconds())}` : "");
  return `${date} ${time} UTC`;
}

export function timeElement(seconds) {
  if (seconds === undefined || seconds === null) return "–";
  return h("time", { datetime: new Date(seconds * 1000).toISOString() }, formatTime(seconds));
}

// "14d 23h", "3h 12m", "42s": the two largest units.
export function formatDuration(ms) {
  let s = Math.floor(Math.abs(ms) / 1000);
  const parts = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]]) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n || (parts.length && parts.length < 2)) parts.push(n + unit);
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(" ") : "0s";
}

// The expiry of a handshake as a countdown in emulator time; tick() keeps every one current.
export function countdown(expiresSeconds, closed) {
  const el = h("span", { class: "countdown", dataset: { expires: String(expiresSeconds * 1000) } });
  if (closed) el.dataset.closed = "1";
  el.title = formatTime(expiresSeconds);
  updateCountdown(el);
  return el;
}

function updateCountdown(el) {
  const left = Number(el.dataset.expires) - clock.now();
  if (el.dataset.closed) {
    el.textContent = formatTime(Number(el.dataset.expires) / 1000, false);
    el.className = "countdown closed";
  } else if (left > 0) {
    el.textContent = "in " + formatDuration(left);
    el.className = left < 86400000 ? "countdown soon" : "countdown";
  } else {
    el.textContent = formatDuration(left) + " ago";
    el.className = "countdown past";
  }
}

// Updates every countdown on the page; true when one of them just ran out (the page refreshes).
export function tick(root) {
  let ranOut = false;
  for (const el of root.querySelectorAll(".countdown[data-expires]")) {
    const wasLive = el.classList.contains("past") === false && !el.dataset.closed;
    updateCountdown(el);
    if (wasLive && el.classList.contains("past")) ranOut = true;
  }
  return ranOut;
}

// --- badges ------------------------------------------------------------------------------------

// A symbol beside every state, so states differ without colour too.
const STATE_SYMBOLS = {
  OPEN: "●",
  REQUESTED: "◔",
  ACCEPTED: "✓",
  DECLINED: "✕",
  CANCELED: "⊘",
  EXPIRED: "⌛",
  ACTIVE: "✓",
  SUSPENDED: "⏸",
  PENDING_CLOSURE: "…",
  ENABLED: "✓",
  PENDING_ENABLE: "…",
  PENDING_DISABLE: "…",
};

export function badge(value, kind = "state") {
  const text = String(value ?? "–");
  return h(
    "span",
    { class: `badge ${kind} ${kind}-${text.replace(/[^A-Za-z0-9_]/g, "")}` },
    STATE_SYMBOLS[text] ? h("span", { class: "symbol", "aria-hidden": "true" }, STATE_SYMBOLS[text]) : null,
    text,
  );
}

export function tag(text, kind = "") {
  return h("span", { class: "tag " + kind }, text);
}

export function number(n) {
  return Number(n || 0).toLocaleString("en-US");
}

// --- tables ------------------------------------------------------------------------------------

// columns: [{ title, cell: row => node|text, class? }]
export function table(columns, rows, { caption, empty = "Nothing to show.", rowProps } = {}) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      null,
      caption ? h("caption", null, caption) : null,
      h("thead", null, h("tr", null, columns.map((c) => h("th", { scope: "col", class: c.class }, c.title)))),
      h(
        "tbody",
        null,
        rows.map((row) =>
          h("tr", rowProps ? rowProps(row) : null, columns.map((c) => h("td", { class: c.class, "data-label": c.title }, c.cell(row)))),
        ),
      ),
    ),
  );
}

export function definitionList(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(Boolean).map(([term, value]) => [h("dt", null, term), h("dd", null, value)]),
  );
}
