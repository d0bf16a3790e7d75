// The console's pages. Each is a function (view, ctx) that builds the page's fixed parts once and
// returns { title, refresh }: refresh fetches one page of data from the control plane and
// replaces the parts that show it, leaving inputs (and their focus) alone.
import { call, get } from "./api.js";
import {
  badge,
  clock,
  code,
  countdown,
  definitionList,
  fill,
  formatDuration,
  formatTime,
  h,
  link,
  number,
  table,
  tag,
  timeElement,
} from "./dom.js";

const HANDSHAKE_STATES = ["OPEN", "REQUESTED", "ACCEPTED", "DECLINED", "CANCELED", "EXPIRED"];
const HANDSHAKE_ACTIONS = [
  "INVITE",
  "ENABLE_ALL_FEATURES",
  "APPROVE_ALL_FEATURES",
  "ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE",
  "TRANSFER_RESPONSIBILITY",
];
// Closed by someone: their expiry no longer counts down. An EXPIRED one says how long ago it lapsed.
const CLOSED_STATES = new Set(["ACCEPTED", "DECLINED", "CANCELED"]);
const ORG_KEY = "localorgs.organization";

// --- shared parts ------------------------------------------------------------------------------

function heading(title, ...extra) {
  return h("div", { class: "page-head" }, h("h1", null, title), ...extra);
}

function section(title, ...children) {
  return h("section", { class: "panel" }, title ? h("h2", null, title) : null, children);
}

function accountCell(id, name, email) {
  return h(
    "span",
    { class: "account" },
    h("span", { class: "id" }, id),
    name ? h("span", { class: "name" }, name) : null,
    email ? h("span", { class: "email" }, email) : null,
  );
}

function partyText(target) {
  if (!target) return "–";
  return h("span", { class: "party" }, h("span", { class: "id" }, target.Id), " ", tag(target.Type, "muted"));
}

function expiryCell(row) {
  return countdown(row.ExpirationTimestamp, CLOSED_STATES.has(row.State));
}

const handshakeColumns = [
  { title: "Handshake", cell: (r) => link("handshake", r.Id, null, r.Id), class: "mono" },
  { title: "Action", cell: (r) => tag(r.Action) },
  { title: "State", cell: (r) => badge(r.State) },
  { title: "From", cell: (r) => h("span", { class: "id" }, r.OrganizationId) },
  { title: "To", cell: (r) => partyText(r.Target) },
  { title: "Requested", cell: (r) => timeElement(r.RequestedTimestamp) },
  { title: "Expires", cell: expiryCell },
];

// How many policies are attached to a root, OU or account (the tree's routes count them), with
// each type's count in its title; nothing when none is.
function policyBadge(node) {
  const count = node.PolicyCount || 0;
  if (!count) return null;
  const types = Object.entries(node.PolicyCountByType || {}).map(([type, n]) => `${type}: ${n}`);
  return h(
    "span",
    { class: "tag policies", title: types.join(", "), dataset: { policies: String(count) } },
    `${number(count)} ${count === 1 ? "policy" : "policies"}`,
  );
}

// Which services an account is a delegated administrator for (the tree's routes name them), in
// the badge's title; nothing when it is none.
function delegationBadge(a) {
  const services = a.DelegatedServices || [];
  if (!services.length) return null;
  return h(
    "span",
    { class: "tag strong delegated", title: services.join(", "), dataset: { delegated: services.join(" ") } },
    services.length === 1 ? "delegated administrator" : `delegated administrator (${number(services.length)})`,
  );
}

function accountBadges(a) {
  return h(
    "span",
    { class: "badges" },
    badge(a.Status),
    a.Management ? tag("management account", "strong") : null,
    a.JoinedMethod ? tag(a.JoinedMethod.toLowerCase(), "muted") : null,
    policyBadge(a),
    delegationBadge(a),
  );
}

// Keyset paging: the tokens of the pages before this one, so "Newer" can go back.
function pager(onChange) {
  const state = { tokens: [""], index: 0, next: null };
  const newer = h("button", { type: "button", onclick: () => go(-1) }, "← Newer");
  const older = h("button", { type: "button", onclick: () => go(1) }, "Older →");
  const el = h("div", { class: "pager" }, newer, older);
  function go(step) {
    if (step > 0 && state.next) {
      state.tokens[state.index + 1] = state.next;
      state.index += 1;
    } else if (step < 0 && state.index > 0) {
      state.index -= 1;
    } else return;
    onChange();
  }
  return {
    el,
    token: () => state.tokens[state.index],
    index: () => state.index,
    reset() {
      state.tokens = [""];
      state.index = 0;
    },
    update(next) {
      state.next = next || null;
      newer.disabled = state.index === 0;
      older.disabled = !state.next;
      el.hidden = newer.disabled && older.disabled;
    },
  };
}

// The organization the Tree, Handshakes and quota views show: ?org= in the URL, else the last
// one picked in this tab, else the newest.
function orgPicker(ctx, onChange) {
  const select = h("select", { id: "org-picker", "aria-label": "Organization" });
  const el = h("label", { class: "picker" }, h("span", null, "Organization"), select);
  let chosen = ctx.params.get("org") || sessionStorage.getItem(ORG_KEY) || "";
  let known = [];
  select.addEventListener("change", () => {
    chosen = select.value;
    sessionStorage.setItem(ORG_KEY, chosen);
    ctx.setParams({ org: chosen });
    onChange(chosen);
  });
  return {
    el,
    value: () => chosen,
    async load() {
      const data = await get("/_localorgs/organizations", { limit: 100 });
      known = data.Organizations;
      if (chosen && !known.some((o) => o.Id === chosen)) {
        // Not among the newest hundred: ask for it by id.
        try {
          const one = await get("/_localorgs/organizations", { id: chosen });
          known = known.concat(one.Organizations);
        } catch (e) {
          chosen = "";
        }
      }
      if (!chosen && known.length) chosen = known[0].Id;
      fill(
        select,
        known.length ? null : h("option", { value: "" }, "No organization yet"),
        known.map((o) =>
          h("option", { value: o.Id, selected: o.Id === chosen }, `${o.Id} — ${o.MasterAccountId}`),
        ),
      );
      select.value = chosen;
      return chosen;
    },
  };
}

function emptyOrganizations() {
  return h(
    "div",
    { class: "empty" },
    h("p", null, "No organization yet."),
    h("p", null, "Create one with ", code("aws organizations create-organization --endpoint-url " + location.origin)),
  );
}

// --- Overview ----------------------------------------------------------------------------------

function overview(view) {
  const body = h("div", { class: "cards" });
  const more = pager(() => refresh());
  view.append(heading("Overview"), body, more.el);

  function card(org) {
    return h(
      "article",
      { class: "card", "aria-labelledby": "org-" + org.Id },
      h(
        "header",
        null,
        h("h2", { id: "org-" + org.Id }, link("tree", "", { org: org.Id }, org.Id)),
        tag(org.FeatureSet === "ALL" ? "all features" : "consolidated billing", "muted"),
      ),
      definitionList([
        ["Management account", accountCell(org.MasterAccountId, null, org.MasterAccountEmail)],
        ["Root", h("span", { class: "id" }, org.RootId)],
        ["Members", number(org.MemberCount)],
        ["Organizational units", number(org.OrganizationalUnitCount)],
        ["Handshakes not closed", number(org.PendingHandshakeCount)],
      ]),
      h("h3", null, "Members"),
      table(
        [
          { title: "Account", cell: (a) => accountCell(a.Id, a.Name, a.Email) },
          { title: "Status", cell: accountBadges },
        ],
        org.Members,
      ),
      org.MemberCount > org.Members.length
        ? h("p", { class: "more" }, link("tree", "", { org: org.Id }, `All ${number(org.MemberCount)} members in the tree`))
        : null,
      h("h3", null, "Handshakes not closed"),
      table(
        [
          handshakeColumns[0],
          handshakeColumns[1],
          handshakeColumns[2],
          handshakeColumns[4],
          handshakeColumns[6],
        ],
        org.PendingHandshakes,
        { empty: "None open." },
      ),
      org.PendingHandshakeCount > org.PendingHandshakes.length
        ? h(
            "p",
            { class: "more" },
            link("handshakes", "", { org: org.Id, state: "OPEN,REQUESTED" }, `All ${number(org.PendingHandshakeCount)}`),
          )
        : null,
    );
  }

  async function refresh() {
    const data = await get("/_localorgs/overview", { token: more.token(), limit: 10 });
    fill(body, data.Organizations.length ? data.Organizations.map(card) : emptyOrganizations());
    more.update(data.NextToken);
  }
  return { title: "Overview", refresh };
}

// --- Organizations -----------------------------------------------------------------------------

function organizations(view) {
  const body = h("div");
  const more = pager(() => refresh());
  view.append(heading("Organizations"), body, more.el);
  const policyTypes = (list) =>
    list && list.length
      ? h("span", { class: "badges" }, list.map((p) => h("span", { class: "pair" }, tag(p.Type), badge(p.Status))))
      : "–";

  async function refresh() {
    const data = await get("/_localorgs/organizations", { token: more.token(), limit: 50 });
    fill(
      body,
      data.Organizations.length
        ? table(
            [
              { title: "Organization", cell: (o) => h("span", { class: "id" }, o.Id), class: "mono" },
              { title: "Management account", cell: (o) => accountCell(o.MasterAccountId, null, o.MasterAccountEmail) },
              { title: "Feature set", cell: (o) => tag(o.FeatureSet) },
              { title: "Policy types enabled", cell: (o) => policyTypes(o.RootPolicyTypes) },
              { title: "Members", cell: (o) => number(o.MemberCount), class: "num" },
              { title: "Not closed", cell: (o) => number(o.PendingHandshakeCount), class: "num" },
              { title: "Created", cell: (o) => timeElement(o.CreatedTimestamp) },
              {
                title: "Open",
                cell: (o) =>
                  h(
                    "span",
                    { class: "links" },
                    link("tree", "", { org: o.Id }, "Tree"),
                    link("handshakes", "", { org: o.Id }, "Handshakes"),
                    link("faults", "", { org: o.Id }, "Quotas"),
                  ),
              },
            ],
            data.Organizations,
          )
        : emptyOrganizations(),
    );
    more.update(data.NextToken);
  }
  return { title: "Organizations", refresh };
}

// --- Tree --------------------------------------------------------------------------------------

// A search box ("/" focuses the first one on the page: app.js), filled from the view's link.
function searchField(id, placeholder, label, value) {
  return h("input", { type: "search", id, placeholder, "aria-label": label, "data-search": "", value: value || "" });
}

function tree(view, ctx) {
  const picker = orgPicker(ctx, () => {
    expanded.clear();
    refresh();
  });
  const search = searchField("tree-search", "Account id, name or email", "Search accounts by id, name or email",
    ctx.params.get("search"));
  const summary = h("p", { class: "summary", role: "status" });
  const body = h("div", { class: "tree" });
  view.append(heading("Tree", picker.el), h("div", { class: "filters" }, search), summary, body);

  // Parent id -> how many pages of accounts are shown (each page is a NextToken further).
  const expanded = new Map();
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      ctx.setParams({ search: search.value.trim() });
      refresh();
    }, 250);
  });

  async function children(org, parent, pages) {
    let token = "";
    let all = { OrganizationalUnits: [], Accounts: [] };
    for (let i = 0; i < pages; i++) {
      const data = await get(`/_localorgs/organizations/${encodeURIComponent(org)}/tree`, { parent, token });
      if (i === 0) all = { ...data, Accounts: [] };
      all.Accounts = all.Accounts.concat(data.Accounts);
      all.NextToken = data.NextToken;
      token = data.NextToken;
      if (!token) break;
    }
    return all;
  }

  function accountItem(a) {
    return h(
      "li",
      { class: "node account-node" },
      h("span", { class: "node-icon", "aria-hidden": "true" }, "▣"),
      accountCell(a.Id, a.Name, a.Email),
      accountBadges(a),
    );
  }

  async function nodeList(org, parentId) {
    const pages = expanded.get(parentId) || 1;
    const data = await children(org, parentId, pages);
    const items = [];
    for (const ou of data.OrganizationalUnits) items.push(await ouItem(org, ou));
    for (const a of data.Accounts) items.push(accountItem(a));
    const list = h("ul", { class: "nodes" }, items);
    if (data.NextToken) {
      list.append(
        h(
          "li",
          { class: "node" },
          h(
            "button",
            {
              type: "button",
              class: "link",
              onclick: () => {
                expanded.set(parentId, pages + 1);
                refresh();
              },
            },
            `Show more accounts (${number(data.Accounts.length)} shown)`,
          ),
        ),
      );
    }
    if (!items.length) list.append(h("li", { class: "node empty" }, "No accounts or organizational units here."));
    return { list, data };
  }

  async function ouItem(org, ou) {
    const open = expanded.has(ou.Id);
    const toggle = h(
      "button",
      {
        type: "button",
        class: "toggle",
        "aria-expanded": String(open),
        onclick: () => {
          if (open) expanded.delete(ou.Id);
          else expanded.set(ou.Id, 1);
          refresh();
        },
      },
      h("span", { class: "caret", "aria-hidden": "true" }, open ? "▾" : "▸"),
      h("span", { class: "name" }, ou.Name || ou.Id),
      " ",
      h("span", { class: "id" }, ou.Id),
    );
    const item = h(
      "li",
      { class: "node ou-node" },
      toggle,
      h("span", { class: "badges" }, tag("organizational unit", "muted"), policyBadge(ou)),
    );
    if (open) item.append((await nodeList(org, ou.Id)).list);
    return item;
  }

  async function refresh() {
    const org = await picker.load();
    if (!org) {
      fill(summary);
      fill(body, emptyOrganizations());
      return;
    }
    const text = search.value.trim();
    if (text) {
      const data = await get(`/_localorgs/organizations/${encodeURIComponent(org)}/tree`, { search: text });
      fill(
        summary,
        data.Accounts.length
          ? `${number(data.Accounts.length)}${data.Truncated ? "+" : ""} accounts match “${text}”.`
          : `No account matches “${text}”.`,
      );
      fill(
        body,
        h(
          "ul",
          { class: "nodes results" },
          data.Accounts.map((a) => {
            const item = accountItem(a);
            item.append(h("span", { class: "path" }, "under ", h("span", { class: "id" }, a.ParentId || "–")));
            return item;
          }),
        ),
      );
      return;
    }
    const first = await get(`/_localorgs/organizations/${encodeURIComponent(org)}/tree`, { limit: 1 });
    const rootId = first.Root.Id;
    if (!expanded.has(rootId)) expanded.set(rootId, 1);
    const { list } = await nodeList(org, rootId);
    fill(summary, `${number(first.MemberCount)} accounts in ${org}.`);
    fill(
      body,
      h(
        "ul",
        { class: "nodes top" },
        h(
          "li",
          { class: "node root-node" },
          h("span", { class: "node-icon", "aria-hidden": "true" }, "◉"),
          h("span", { class: "name" }, first.Root.Name),
          " ",
          h("span", { class: "id" }, rootId),
          " ",
          h(
            "span",
            { class: "badges" },
            (first.Root.PolicyTypes || []).map((p) => tag(p.Type)),
            policyBadge(first.Root),
          ),
          list,
        ),
      ),
    );
  }
  return { title: "Tree", refresh };
}

// --- Handshakes --------------------------------------------------------------------------------

function handshakes(view, ctx) {
  const picker = orgPicker(ctx, () => {
    more.reset();
    refresh();
  });
  const option = (value, label, selected) => h("option", { value, selected: value === selected }, label);
  const state = h(
    "select",
    { id: "filter-state", "aria-label": "State" },
    option("", "Any state", ctx.params.get("state") || ""),
    HANDSHAKE_STATES.map((s) => option(s, s, ctx.params.get("state"))),
    option("OPEN,REQUESTED", "Not closed", ctx.params.get("state")),
  );
  const action = h(
    "select",
    { id: "filter-action", "aria-label": "Action" },
    option("", "Any action", ctx.params.get("action") || ""),
    HANDSHAKE_ACTIONS.map((a) => option(a, a, ctx.params.get("action"))),
  );
  const party = searchField("filter-party", "Party: account id or email", "Party: account id or email",
    ctx.params.get("party"));
  const summary = h("p", { class: "summary", role: "status" });
  const body = h("div");
  const more = pager(() => refresh());
  view.append(
    heading("Handshakes", picker.el),
    h(
      "div",
      { class: "filters" },
      h("label", null, h("span", null, "State"), state),
      h("label", null, h("span", null, "Action"), action),
      h("label", { class: "grow" }, h("span", null, "Party"), party),
    ),
    summary,
    body,
    more.el,
  );

  const changed = () => {
    ctx.setParams({ state: state.value, action: action.value, party: party.value.trim() });
    more.reset();
    refresh();
  };
  state.addEventListener("change", changed);
  action.addEventListener("change", changed);
  let timer = null;
  party.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(changed, 250);
  });

  async function refresh() {
    const org = await picker.load();
    const who = party.value.trim();
    if (!org && !who) {
      fill(summary);
      fill(body, emptyOrganizations());
      more.update(null);
      return;
    }
    const data = await get("/_localorgs/handshakes", {
      organization: org,
      party: who,
      state: state.value,
      action: action.value,
      token: more.token(),
      limit: 50,
    });
    const first = more.index() * 50 + 1;
    fill(
      summary,
      data.Total
        ? `${number(data.Total)}${data.TotalIsAtLeast ? "+" : ""} handshake${data.Total === 1 ? "" : "s"}, newest first · ` +
            `showing ${number(first)}–${number(first + data.Handshakes.length - 1)}`
        : "No handshake matches.",
    );
    fill(body, table(handshakeColumns, data.Handshakes, { rowProps: (r) => ({ dataset: { state: r.State } }) }));
    more.update(data.NextToken);
  }
  return { title: "Handshakes", refresh };
}

function handshake(view, ctx) {
  const body = h("div");
  view.append(heading("Handshake ", h("span", { class: "id" }, ctx.id)), body);

  async function refresh() {
    const data = await get(`/_localorgs/handshakes/${encodeURIComponent(ctx.id)}`);
    const hs = data.Handshake;
    fill(
      body,
      definitionList([
        ["State", badge(hs.State)],
        ["Action", tag(hs.Action)],
        ["Organization", link("handshakes", "", { org: data.OrganizationId }, data.OrganizationId)],
        ["Parties", h("span", { class: "badges" }, (hs.Parties || []).map((p) => partyText(p)))],
        ["Requested", timeElement(hs.RequestedTimestamp)],
        ["Expires", countdown(hs.ExpirationTimestamp, CLOSED_STATES.has(hs.State))],
        data.ParentHandshakeId ? ["Parent", link("handshake", data.ParentHandshakeId)] : null,
      ]),
      section("As the API returns it", h("pre", { class: "json", tabindex: "0" }, JSON.stringify(hs, null, 2))),
      data.ChildCount
        ? section(
            `Child handshakes (${number(data.ChildCount)})`,
            table(
              [
                { title: "Handshake", cell: (c) => link("handshake", c.Id), class: "mono" },
                { title: "Action", cell: (c) => tag(c.Action) },
                { title: "State", cell: (c) => badge(c.State) },
                { title: "Account", cell: (c) => partyText((c.Parties || []).find((p) => p.Type !== "ORGANIZATION")) },
                { title: "Expires", cell: (c) => countdown(c.ExpirationTimestamp, CLOSED_STATES.has(c.State)) },
              ],
              data.Children,
            ),
          )
        : null,
    );
  }
  return { title: "Handshake " + ctx.id, refresh };
}

// --- Outbox ------------------------------------------------------------------------------------

function outbox(view, ctx) {
  const PAGE = 25;
  let offset = 0;
  const to = searchField("outbox-to", "Recipient address", "Only messages to this address", ctx.params.get("to"));
  const clear = h("button", { type: "button", class: "danger" }, "Clear outbox");
  const summary = h("p", { class: "summary", role: "status" });
  const body = h("div", { class: "messages" });
  const newer = h("button", { type: "button", onclick: () => move(-PAGE) }, "← Newer");
  const older = h("button", { type: "button", onclick: () => move(PAGE) }, "Older →");
  view.append(
    heading("Outbox", clear),
    h("div", { class: "filters" }, h("label", { class: "grow" }, h("span", null, "To"), to)),
    summary,
    body,
    h("div", { class: "pager" }, newer, older),
  );
  function move(step) {
    offset = Math.max(0, offset + step);
    refresh();
  }
  let timer = null;
  to.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      ctx.setParams({ to: to.value.trim() });
      offset = 0;
      refresh();
    }, 250);
  });
  clear.addEventListener("click", async () => {
    if (!confirm("Delete every message of the outbox?")) return;
    try {
      await call("DELETE", "/_localorgs/outbox");
      offset = 0;
      await ctx.refresh();
    } catch (e) {
      ctx.notify(`${e.error || "Error"}: ${e.message}`);
    }
  });

  async function refresh() {
    const data = await get("/_localorgs/outbox", { to: to.value.trim(), order: "newest", offset, limit: PAGE });
    fill(
      summary,
      data.Total
        ? `${number(data.Total)} message${data.Total === 1 ? "" : "s"}, newest first · showing ${number(offset + 1)}–${number(
            offset + data.Messages.length,
          )}`
        : "The outbox is empty: no email has been sent.",
    );
    fill(
      body,
      data.Messages.map((m) =>
        h(
          "article",
          { class: "message" },
          h("h2", null, m.Subject),
          definitionList([
            ["To", m.To],
            ["Sent", timeElement(m.SentTimestamp)],
            m.HandshakeId ? ["Handshake", link("handshake", m.HandshakeId)] : null,
          ]),
          h("pre", { class: "mail" }, m.Body),
        ),
      ),
    );
    newer.disabled = offset === 0;
    older.disabled = offset + data.Messages.length >= data.Total;
  }
  return { title: "Outbox", refresh };
}

// --- Clock -------------------------------------------------------------------------------------

// "1d12h", "-2h", "30s": units d h m s in that order, as the admin command line takes them.
export function parseDuration(text) {
  const m = /^\s*([+-])?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\s*$/.exec(text);
  if (!m || !(m[2] || m[3] || m[4] || m[5])) return null;
  const seconds = (+m[2] || 0) * 86400 + (+m[3] || 0) * 3600 + (+m[4] || 0) * 60 + (+m[5] || 0);
  return m[1] === "-" ? -seconds : seconds;
}

function clockPage(view, ctx) {
  const now = h("time", { class: "big", id: "clock-big" });
  const real = h("span");
  const offset = h("span");
  const status = h("p", { class: "status", role: "status", id: "clock-status" });
  const advance = (seconds, label) =>
    h("button", { type: "button", class: "primary", onclick: () => move({ AdvanceSeconds: seconds }, `Moved forward ${label}.`) }, "+ " + label);
  const duration = h("input", { id: "clock-duration", placeholder: "1d12h, 30m, -2h", "aria-label": "Duration", required: true });
  const when = h("input", { id: "clock-set", type: "datetime-local", step: "1", "aria-label": "Time (UTC)", required: true });
  view.append(
    heading("Clock"),
    section(
      null,
      h("p", { class: "lead" }, "Emulator time"),
      now,
      definitionList([
        ["Real time", real],
        ["Offset", offset],
      ]),
    ),
    section(
      "Move the clock",
      h(
        "div",
        { class: "buttons" },
        advance(3600, "1 hour"),
        advance(86400, "1 day"),
        advance(15 * 86400, "15 days"),
      ),
      h(
        "form",
        {
          class: "inline",
          onsubmit: (e) => {
            e.preventDefault();
            const seconds = parseDuration(duration.value);
            if (seconds === null) {
              fill(status, `“${duration.value}” is not a duration: use a number and a unit (30s, 15m, 2h, 15d, 1d12h).`);
              status.className = "status error";
              return;
            }
            move({ AdvanceSeconds: seconds }, `Moved ${seconds < 0 ? "back" : "forward"} ${formatDuration(seconds * 1000)}.`);
          },
        },
        h("label", { for: "clock-duration" }, "Advance by"),
        duration,
        h("button", { type: "submit" }, "Advance"),
      ),
      h(
        "form",
        {
          class: "inline",
          onsubmit: (e) => {
            e.preventDefault();
            const ms = Date.parse(when.value + "Z");
            if (Number.isNaN(ms)) return;
            move({ Now: ms / 1000 }, `Set to ${formatTime(ms / 1000)}.`);
          },
        },
        h("label", { for: "clock-set" }, "Set to (UTC)"),
        when,
        h("button", { type: "submit" }, "Set"),
      ),
      h("div", { class: "buttons" }, h("button", { type: "button", onclick: () => move({ Reset: true }, "Back to the real time.") }, "Reset to real time")),
      status,
    ),
  );

  async function move(body, message) {
    try {
      const data = await call("POST", "/_localorgs/clock", body);
      clock.set(data.Now, data.OffsetSeconds);
      show();
      status.className = "status ok";
      fill(status, message, " Handshakes that lapsed are now ", link("handshakes", "", { state: "EXPIRED" }, "EXPIRED"), ".");
      await ctx.refresh();
    } catch (e) {
      status.className = "status error";
      fill(status, `${e.error || "Error"}: ${e.message}`);
    }
  }

  function show() {
    const t = clock.now();
    now.textContent = formatTime(t / 1000);
    now.setAttribute("datetime", new Date(t).toISOString());
    real.textContent = formatTime(Date.now() / 1000);
    const o = clock.offsetMs;
    offset.textContent =
      Math.abs(o) < 1000 ? "none: the emulator runs on the real time" : `${formatDuration(o)} ${o > 0 ? "ahead of" : "behind"} the real time`;
  }
  const timer = setInterval(show, 1000);

  async function refresh() {
    const data = await get("/_localorgs/clock");
    clock.set(data.Now, data.OffsetSeconds);
    if (!when.value) when.value = new Date(clock.now()).toISOString().slice(0, 19);
    show();
  }
  return { title: "Clock", refresh, dispose: () => clearInterval(timer) };
}

// --- Faults and quotas -------------------------------------------------------------------------

function faults(view, ctx) {
  const list = h("div");
  const status = h("p", { class: "status", role: "status", id: "faults-status" });
  const field = (id, label, props = {}) => [h("label", { for: id }, label), h("input", { id, ...props })];
  const form = h(
    "form",
    { class: "grid-form", id: "fault-form" },
    field("fault-operation", "Operation", { value: "*", required: true, placeholder: "InviteAccountToOrganization or *" }),
    field("fault-error", "Error", { required: true, placeholder: "TooManyRequestsException" }),
    field("fault-reason", "Reason", { placeholder: "optional" }),
    field("fault-message", "Message", { placeholder: "optional" }),
    field("fault-count", "Count", { type: "number", min: "1", value: "1" }),
    field("fault-account", "Caller account", { placeholder: "any (or a 12-digit id)" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Arm fault")),
  );
  const clearAll = h("button", { type: "button", class: "danger" }, "Clear all faults");
  const picker = orgPicker(ctx, () => loadQuotas(true));
  const quotaStatus = h("p", { class: "status", role: "status", id: "quota-status" });
  const quotaCurrent = h("p", { class: "summary" });
  // One field per quota the server has (server/quotas.hpp), built from its answer.
  const quotaFields = h("div", { class: "grid-form" });
  const quotaForm = h(
    "form",
    { id: "quota-form" },
    quotaFields,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save quotas")),
  );
  // "MaxAccounts" -> "Max accounts".
  const quotaLabel = (key) =>
    key
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .replace(/([a-z])([0-9])/g, "$1 $2")
      .replace(/ ([A-Z])([a-z])/g, (_, a, b) => " " + a.toLowerCase() + b);
  view.append(
    heading("Faults and quotas"),
    section("Armed faults", list, h("div", { class: "buttons" }, clearAll)),
    section(
      "Arm a fault",
      h("p", { class: "hint" }, "The next Count calls of the operation (by that caller, if given) fail with this AWS error before anything changes."),
      form,
      status,
    ),
    section("Quotas", h("div", { class: "filters" }, picker.el), quotaCurrent, quotaForm, quotaStatus),
  );
  const value = (id) => document.getElementById(id).value.trim();

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { Operation: value("fault-operation"), Error: value("fault-error") };
    if (value("fault-reason")) body.Reason = value("fault-reason");
    if (value("fault-message")) body.Message = value("fault-message");
    if (value("fault-count")) body.Count = Number(value("fault-count"));
    if (value("fault-account")) body.AccountId = value("fault-account");
    try {
      const data = await call("POST", "/_localorgs/faults", body);
      status.className = "status ok";
      fill(status, `Armed fault ${data.FaultId}.`);
      await ctx.refresh();
    } catch (err) {
      status.className = "status error";
      fill(status, `${err.error || "Error"}: ${err.message}`);
    }
  });
  clearAll.addEventListener("click", async () => {
    await call("DELETE", "/_localorgs/faults");
    await ctx.refresh();
  });
  quotaForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const org = picker.value();
    if (!org) return;
    // An empty field is null: AWS's own rule, where the quota has one.
    const body = {};
    for (const input of quotaFields.querySelectorAll("input[data-key]"))
      body[input.dataset.key] = input.value.trim() === "" ? null : Number(input.value);
    try {
      await call("PUT", `/_localorgs/organizations/${encodeURIComponent(org)}/quotas`, body);
      quotaStatus.className = "status ok";
      fill(quotaStatus, `Saved the quotas of ${org}.`);
      await ctx.refresh();
    } catch (err) {
      quotaStatus.className = "status error";
      fill(quotaStatus, `${err.error || "Error"}: ${err.message}`);
    }
  });

  let formFor = null;
  async function loadQuotas(force) {
    const org = await picker.load();
    if (!org) {
      fill(quotaCurrent, "No organization yet.");
      quotaForm.hidden = true;
      return;
    }
    quotaForm.hidden = false;
    const q = await get(`/_localorgs/organizations/${encodeURIComponent(org)}/quotas`);
    fill(
      quotaCurrent,
      "Now: ",
      Object.entries(q)
        .map(([key, v]) => `${quotaLabel(key).toLowerCase()} ${v === null ? "AWS's rule" : number(v)}`)
        .join(", "),
      ".",
    );
    // The form is filled when an organization is picked, not on every refresh: that would
    // overwrite what is being typed.
    if (force || formFor !== org) {
      fill(
        quotaFields,
        Object.entries(q).map(([key, v]) => [
          h("label", { for: "quota-" + key }, quotaLabel(key)),
          h("input", {
            id: "quota-" + key,
            type: "number",
            min: "0",
            value: v ?? "",
            placeholder: v === null ? "AWS's rule" : null,
            dataset: { key },
          }),
        ]),
      );
      formFor = org;
    }
  }

  async function refresh() {
    const data = await get("/_localorgs/faults");
    fill(
      list,
      table(
        [
          { title: "Fault", cell: (f) => h("span", { class: "id" }, f.FaultId) },
          { title: "Operation", cell: (f) => f.Operation },
          { title: "Error", cell: (f) => f.Error || (f.FailureReason ? `FAILED: ${f.FailureReason}` : "–") },
          { title: "Reason", cell: (f) => f.Reason || "–" },
          { title: "Message", cell: (f) => f.Message || "(the error's default)" },
          { title: "Remaining", cell: (f) => number(f.Count), class: "num" },
          { title: "Caller", cell: (f) => f.AccountId || "any" },
          {
            title: "",
            cell: (f) =>
              h(
                "button",
                {
                  type: "button",
                  class: "small",
                  "aria-label": "Remove fault " + f.FaultId,
                  onclick: async () => {
                    try {
                      await call("DELETE", `/_localorgs/faults/${encodeURIComponent(f.FaultId)}`);
                    } finally {
                      await ctx.refresh();
                    }
                  },
                },
                "Remove",
              ),
          },
        ],
        data.Faults,
        { empty: "No fault is armed: every call runs normally." },
      ),
    );
    await loadQuotas(false);
  }
  return { title: "Faults and quotas", refresh };
}

// --- Requests ----------------------------------------------------------------------------------

function requests(view) {
  const MAX_ROWS = 500;
  const filter = searchField("requests-filter", "Filter: operation, caller, status or error", "Filter requests");
  const pause = h("button", { type: "button", "aria-pressed": "false" }, "Pause");
  const summary = h("p", { class: "summary", role: "status" });
  const tbody = h("tbody");
  const tableEl = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "requests" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Time", "Caller", "Operation", "Status", "Error", "Latency"].map((t) =>
            h("th", { scope: "col", class: t === "Latency" || t === "Status" ? "num" : null }, t),
          ),
        ),
      ),
      tbody,
    ),
  );
  view.append(heading("Requests", pause), h("div", { class: "filters" }, h("label", { class: "grow" }, h("span", null, "Filter"), filter)), summary, tableEl);

  let last = 0;
  let capacity = 0;
  let paused = false;
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume" : "Pause";
    if (!paused) load();
  });
  filter.addEventListener("input", applyFilter);

  function row(r) {
    const ok = r.Status < 400;
    return h(
      "tr",
      { dataset: { text: `${r.Operation} ${r.Caller} ${r.Status} ${r.Error}`.toLowerCase() } },
      h("td", { "data-label": "Time" }, h("time", { datetime: new Date(r.Time * 1000).toISOString() }, formatTime(r.Time).slice(11, 19) + "." + String(Math.floor((r.Time * 1000) % 1000)).padStart(3, "0"))),
      h("td", { "data-label": "Caller", class: "id" }, r.Caller || "–"),
      h("td", { "data-label": "Operation" }, r.Operation || "(unknown)"),
      h("td", { "data-label": "Status", class: "num" }, badge(String(r.Status), ok ? "status-ok" : "status-error")),
      h("td", { "data-label": "Error" }, r.Error || "–"),
      h("td", { "data-label": "Latency", class: "num" }, r.LatencyMicros < 1000 ? `${r.LatencyMicros} µs` : `${(r.LatencyMicros / 1000).toFixed(1)} ms`),
    );
  }

  function applyFilter() {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const tr of tbody.rows) tr.hidden = !words.every((w) => tr.dataset.text.includes(w));
  }

  async function load() {
    if (paused) return;
    const data = await get("/_localorgs/requests", { after: last, limit: 200 });
    capacity = data.Capacity;
    if (data.Requests.length) {
      const rows = data.Requests.map(row);
      tbody.prepend(...rows);
      while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(-1);
      last = data.Last;
      applyFilter();
    }
    fill(
      summary,
      tbody.rows.length
        ? `The latest API calls, newest first (the server keeps the last ${number(capacity)}).`
        : "No API call yet. Calls show here as they are answered.",
    );
  }
  return { title: "Requests", refresh: load, onRequests: () => load().catch(() => {}) };
}

export const pages = {
  overview,
  organizations,
  tree,
  handshakes,
  handshake,
  outbox,
  clock: clockPage,
  faults,
  requests,
};
