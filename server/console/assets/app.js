// The console's shell: hash routes (#/page[/id][?filters], so every view is a link), the token
// prompt, and the refresh loop. It polls GET /_localorgs/generation, which costs the server no
// database work, and refreshes the page shown when the emulator's state changed.
import { ApiError, AuthRequired, get, token } from "./api.js";
import { clock, fill, formatDuration, formatTime, tick } from "./dom.js";
import { pages } from "./pages.js";

const POLL_MS = 500;

const view = document.getElementById("view");
const notice = document.getElementById("notice");
const dialog = document.getElementById("token-dialog");

let current = null; // { name, instance, generation }
let lastGeneration = null;
let lastRequest = null;
let refreshing = null;
let refreshAgain = false;
let waitingForToken = false;

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = hash.split("?");
  const [name = "", ...rest] = path.split("/");
  return {
    name: pages[name] ? name : "overview",
    id: rest.length ? decodeURIComponent(rest.join("/")) : "",
    params: new URLSearchParams(query),
  };
}

export function showNotice(message, kind = "error") {
  if (!message) {
    notice.hidden = true;
    return;
  }
  notice.className = "notice " + kind;
  fill(notice, message);
  notice.hidden = false;
}

function failed(error) {
  if (error instanceof AuthRequired) {
    askForToken(error.hadToken ? "The token was not accepted." : "");
    return;
  }
  view.dataset.state = "error";
  showNotice(error instanceof ApiError ? `${error.error}: ${error.message}` : String(error));
}

// Runs the page's refresh; one at a time, and once more if something changed meanwhile.
async function refresh() {
  if (!current || waitingForToken) return;
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  const page = current;
  refreshing = (async () => {
    try {
      await page.instance.refresh();
      if (page !== current) return;
      if (notice.classList.contains("error")) showNotice("");
      view.dataset.state = "ready";
      view.dataset.generation = String(lastGeneration ?? "");
    } catch (e) {
      if (page === current) failed(e);
    }
  })();
  await refreshing;
  refreshing = null;
  if (refreshAgain) {
    refreshAgain = false;
    await refresh();
  }
}

function mount() {
  const { name, id, params } = parseHash();
  if (current && current.instance.dispose) current.instance.dispose();
  for (const a of document.querySelectorAll("#nav a")) {
    const active = a.dataset.page === name || (name === "handshake" && a.dataset.page === "handshakes");
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  view.replaceChildren();
  view.dataset.page = name;
  view.dataset.state = "loading";
  showNotice("");
  const ctx = {
    id,
    params,
    // Changes the view's query (filters) without remounting it: the inputs keep their focus.
    setParams(changes) {
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === null || v === "") params.delete(k);
        else params.set(k, v);
      }
      const q = params.toString();
      const path = location.hash.split("?")[0] || "#/" + name;
      history.replaceState(null, "", q ? `${path}?${q}` : path);
    },
    refresh,
    notify: showNotice,
  };
  current = { name, instance: pages[name](view, ctx) };
  document.title = `${current.instance.title} · localorgs`;
  refresh();
}

async function poll() {
  try {
    if (!waitingForToken) {
      const state = await get("/_localorgs/generation");
      clock.set(state.Now, state.OffsetSeconds);
      updateClockChip();
      const changed = lastGeneration !== null && state.Generation !== lastGeneration;
      const newRequests = lastRequest !== null && state.LastRequest !== lastRequest;
      lastGeneration = state.Generation;
      lastRequest = state.LastRequest;
      if (changed) refresh();
      if (newRequests && current && current.instance.onRequests) current.instance.onRequests(state.LastRequest);
      if (notice.classList.contains("offline")) showNotice("");
    }
  } catch (e) {
    if (e instanceof AuthRequired) failed(e);
    else if (e instanceof ApiError && e.status === 0) showNotice(e.message, "error offline");
  }
  setTimeout(poll, POLL_MS);
}

function updateClockChip() {
  const now = clock.now();
  const time = document.getElementById("clock-now");
  time.textContent = formatTime(now / 1000);
  time.setAttribute("datetime", new Date(now).toISOString());
  const offset = clock.offsetMs;
  document.getElementById("clock-offset").textContent =
    Math.abs(offset) < 1000 ? "" : `(${offset > 0 ? "+" : "−"}${formatDuration(offset)})`;
}

function askForToken(message) {
  waitingForToken = true;
  view.dataset.state = "locked";
  const error = document.getElementById("token-error");
  error.hidden = !message;
  error.textContent = message || "";
  const input = document.getElementById("token-input");
  input.value = "";
  if (!dialog.open) dialog.showModal();
  input.focus();
}

document.getElementById("token-form").addEventListener("submit", (event) => {
  const value = document.getElementById("token-input").value.trim();
  if (!value) {
    event.preventDefault();
    return;
  }
  token.set(value);
  waitingForToken = false;
  mount();
});
// Escape closes a modal dialog; without the token there is nothing to show, so it stays.
dialog.addEventListener("cancel", (event) => event.preventDefault());

window.addEventListener("hashchange", mount);

// The skip link moves the focus to the page's content; as a plain #anchor it would be a route.
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  view.focus();
});

// "/" focuses the page's search or filter field, as in many tools.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)
    return;
  const field = view.querySelector("[data-search]");
  if (field) {
    event.preventDefault();
    field.focus();
  }
});

setInterval(() => {
  updateClockChip();
  // A countdown that ran out means a handshake just expired: show it as the server does.
  if (tick(view)) refresh();
}, 1000);

mount();
poll();
