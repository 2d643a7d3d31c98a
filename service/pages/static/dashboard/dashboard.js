// The dashboard: reads the REST API (and GraphQL for the list of provinces) and draws
// what it answers. Every figure, rate and laggard comes from the service; the page only
// lays them out, so it holds no rule of its own.

const API = "api/v1";

// Labels of the API's codes, as the contracts describe them.
const UNITS = {
  SET: "套",
  SET_OR_ROOM: "套（间）",
  HOUSEHOLD: "户",
  COMMUNITY: "个小区",
  BUILDING: "栋",
  TEN_THOUSAND_SQM: "万平方米",
  HUNDRED_MILLION_YUAN: "亿元",
  TEN_THOUSAND_YUAN: "万元",
};
const FUND_SOURCES = { CENTRAL: "中央财政补助资金", PROVINCIAL: "省级财政补助资金" };
const TALLY_ITEMS = {
  FINDINGS: "审计发现问题（个）",
  PROJECTS: "项目（个）",
  HOUSEHOLDS: "居民（户）",
  UNPAID_FEE_HOUSEHOLDS: "欠发过渡安置费居民（户）",
};
// The threshold the page asks the laggards report for: a year's target not reached.
const LAGGARD_BELOW = "100";

const $ = (selector) => document.querySelector(selector);
const state = { region: null, data: null, documents: null, chart: null, sources: new Map() };

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function query(params) {
  const defined = Object.entries(params).filter(([, value]) => value !== null && value !== undefined);
  return new URLSearchParams(defined).toString();
}

async function get(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.status} ${body.detail || body.title || ""}`);
  return body;
}

async function provinces() {
  const response = await fetch("graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query: "{ provinces { code name level } }" }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data.provinces.map((p) => ({ ...p, parent_code: null }));
}

function status(text) {
  $("#status").textContent = text;
}

const rate = (value) => (value === null || value === undefined ? "—" : `${Number(value).toFixed(1)}%`);

// A number linked to the annex of the document it came from (or naming who reported it).
function sourced(value, source, shown = value) {
  if (value === null || value === undefined) return el("span", { class: "blank" }, "—");
  if (!source) return el("span", {}, shown);
  if (source.document_number) {
    const document = state.documents.get(source.document_number);
    const where = `${source.document_number} 附件${source.annex ?? ""}${source.line ? ` 第${source.line}行` : ""}`;
    if (!document) return el("span", { title: where }, shown);
    const key = `${document.id}-${source.annex ?? 0}`;
    state.sources.set(key, { document, annex: source.annex });
    return el("a", { href: `#source-${key}`, title: where, class: "sourced" }, shown);
  }
  return el("span", { title: `报送 Reported by ${source.principal}` }, shown);
}

const sourceOf = (figure, kind) => figure.values.find((v) => v.kind === kind)?.source ?? null;

function reasonText(reason) {
  if (reason.kind === "BEHIND_MILESTONE") {
    const scope = reason.scope_zh ? `（${reason.scope_zh}）` : "";
    return `逾期：${reason.due_on} 前应达 ${rate(reason.required_rate)}${scope} Behind the deadline`;
  }
  return `低于 ${rate(reason.required_rate)} Below the rate`;
}

// --- the region tree -------------------------------------------------------------------

function treeNode(region) {
  const item = el("li", { role: "treeitem", "data-code": region.code });
  const branch = region.level !== "COUNTY";
  const toggle = el("button", { class: "toggle", type: "button", "aria-label": "展开 Expand" });
  toggle.textContent = branch ? "▸" : "";
  toggle.disabled = !branch;
  const name = el("a", { href: `#${region.code}`, class: "region" }, region.name);
  const children = el("ul", { role: "group" });
  children.hidden = true;

  async function expand(open) {
    if (!branch) return;
    if (open && !children.childElementCount) {
      const found = await get(`${API}/regions/${encodeURIComponent(region.code)}/children`);
      children.append(...found.map(treeNode));
    }
    children.hidden = !open;
    toggle.textContent = open ? "▾" : "▸";
  }
  toggle.addEventListener("click", () => expand(children.hidden).catch((e) => status(e.message)));
  name.addEventListener("click", (event) => {
    event.preventDefault();
    select(region).catch((e) => status(e.message));
    expand(true).catch((e) => status(e.message));
  });
  item.append(toggle, name, children);
  return item;
}

// --- one region ------------------------------------------------------------------------

async function select(region) {
  state.region = region;
  history.replaceState(null, "", `#${region.code}`);
  for (const node of document.querySelectorAll(".tree .selected")) node.classList.remove("selected");
  document.querySelector(`.tree li[data-code="${CSS.escape(region.code)}"] > a`)?.classList.add("selected");
  $("#hint").hidden = true;
  $("#view").hidden = false;
  $("#region-name").replaceChildren(region.name, " ", el("span", { class: "en" }, region.code));
  // nothing of the region shown before stays under this name, even if this load fails
  state.chart?.destroy();
  state.chart = null;
  $(".chart").hidden = true;
  for (const body of document.querySelectorAll("#view tbody")) body.replaceChildren();
  $("#sources").replaceChildren();
  status("加载中… Loading…");

  const code = region.code;
  const [figures, funds, loans, rectification] = await Promise.all([
    get(`${API}/figures?${query({ region: code, limit: 500 })}`),
    get(`${API}/funds?${query({ region: code, limit: 500 })}`),
    get(`${API}/loans?${query({ region: code, limit: 500 })}`),
    get(`${API}/rectification?${query({ region: code, limit: 500 })}`),
  ]);
  if (state.region !== region) return; // another region was picked meanwhile
  state.data = { figures: figures.items, funds: funds.items, loans: loans.items, rectification: rectification.items };

  const years = [...new Set([...figures.items, ...funds.items, ...loans.items].map((r) => r.year))];
  years.sort((a, b) => b - a);
  const picker = $("#year");
  const kept = years.includes(Number(picker.value)) ? Number(picker.value) : years[0];
  picker.replaceChildren(...years.map((y) => el("option", { value: y }, String(y))));
  if (kept !== undefined) picker.value = String(kept);
  await show(kept ?? null);
}

async function laggardsOf(region, year, figures) {
  // A region is marked when the service's laggards report, among its siblings, lists it.
  if (!region.parent_code || year === null) return new Map();
  const today = new Date().toISOString().slice(0, 10);
  const reports = await Promise.all(
    figures.map((figure) =>
      get(
        `${API}/laggards?${query({
          parent: region.parent_code,
          level: region.level,
          indicator: figure.indicator.code,
          year,
          below: LAGGARD_BELOW,
          as_of: today,
        })}`,
      ),
    ),
  );
  const found = new Map();
  for (const report of reports) {
    const mine = report.laggards.find((l) => l.region_code === region.code);
    if (mine) found.set(report.indicator, mine);
  }
  return found;
}

async function show(year) {
  const region = state.region;
  const { figures, funds, loans, rectification } = state.data;
  state.sources = new Map();
  const rows = figures.filter((f) => f.year === year);
  const targeted = rows.filter((f) => f.target !== null);
  const laggards = await laggardsOf(region, year, targeted);
  if (state.region !== region) return;

  drawChart(targeted, laggards);
  fillFigures(rows, laggards);
  fillFunds(funds.filter((f) => f.year === year));
  fillLoans(loans.filter((l) => l.year === year));
  fillRectification(rectification);
  fillSources();
  for (const link of document.querySelectorAll("#downloads a")) {
    const dataset = link.dataset.dataset;
    const params = { region: region.code, year: dataset === "rectification" ? null : year, headers: "zh" };
    link.href = `${API}/exports/${dataset}.xlsx?${query(params)}`;
  }
  status(rows.length ? "" : "该年度没有数据。No figures for this year.");
}

function drawChart(figures, laggards) {
  const shown = figures
    .map((f) => ({ figure: f, laggard: laggards.get(f.indicator.code) }))
    .map((r) => ({ ...r, rate: r.figure.completion_rate ?? r.laggard?.completion_rate ?? null }))
    .filter((r) => r.rate !== null);
  state.chart?.destroy();
  const box = $(".chart");
  box.hidden = shown.length === 0;
  box.style.height = `${Math.max(120, shown.length * 34 + 50)}px`;
  const colour = (r) => (r.laggard ? "#c0392b" : Number(r.rate) >= 100 ? "#2e8b57" : "#3a6ea5");
  state.chart = new Chart($("#chart"), {
    type: "bar",
    data: {
      labels: shown.map((r) => r.figure.indicator.name_zh),
      datasets: [
        {
          label: "完成率 Completion rate (%)",
          data: shown.map((r) => Number(r.rate)),
          backgroundColor: shown.map(colour),
        },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (context) => {
              const { figure, rate: value } = shown[context.dataIndex];
              const unit = UNITS[figure.unit] ?? figure.unit;
              return `${figure.actual ?? "—"} / ${figure.target} ${unit} = ${rate(value)}`;
            },
          },
        },
      },
      scales: { x: { beginAtZero: true, title: { display: true, text: "完成率 Completion rate (%)" } } },
    },
  });
}

function fillFigures(rows, laggards) {
  const body = $("#figures tbody");
  body.replaceChildren(
    ...rows.map((f) => {
      const laggard = laggards.get(f.indicator.code);
      const name = el("td", {}, f.indicator.name_zh, " ", el("span", { class: "en" }, f.indicator.code));
      const mark = laggard
        ? el("td", { class: "laggard", title: laggard.reasons.map(reasonText).join("\n") }, "滞后 Lagging")
        : el("td", {}, "");
      return el(
        "tr",
        { class: laggard ? "laggard" : null, "data-indicator": f.indicator.code },
        name,
        el("td", {}, UNITS[f.unit] ?? f.unit),
        el("td", { class: "num" }, sourced(f.target, sourceOf(f, "TARGET"))),
        el("td", { class: "num" }, sourced(f.supplementary_target, sourceOf(f, "SUPPLEMENTARY_TARGET"))),
        el("td", { class: "num" }, sourced(f.actual, sourceOf(f, "ACTUAL"))),
        el("td", { class: "num" }, sourced(f.completion_rate, sourceOf(f, "ACTUAL"), rate(f.completion_rate))),
        mark,
      );
    }),
  );
}

function fillFunds(accounts) {
  $("#funds tbody").replaceChildren(
    ...accounts.map((a) => {
      const cell = (value, shown) => el("td", { class: "num" }, sourced(value, a.provenance, shown));
      return el(
        "tr",
        {},
        el("td", {}, FUND_SOURCES[a.source] ?? a.source, " ", el("span", { class: "en" }, "万元")),
        cell(a.opening_balance),
        cell(a.income_total),
        cell(a.expenditure_total),
        cell(a.closing_balance),
        cell(a.expenditure_rate, rate(a.expenditure_rate)),
      );
    }),
  );
}

function fillLoans(items) {
  const rows = [];
  for (const item of items) {
    for (const f of item.facilities) {
      const cell = (value, shown) => el("td", { class: "num" }, sourced(value, f.source, shown));
      rows.push(
        el(
          "tr",
          {},
          el("td", {}, f.lender.short_zh, " ", el("span", { class: "en" }, `${f.lender.code} 亿元`)),
          cell(f.credit_line),
          cell(f.disbursed_cumulative),
          cell(f.disbursement_rate, rate(f.disbursement_rate)),
        ),
      );
    }
    const first = item.facilities[0]?.source ?? null;
    const cell = (value, shown) => el("td", { class: "num" }, sourced(value, first, shown));
    rows.push(
      el(
        "tr",
        { class: "total" },
        el("td", {}, "合计 ", el("span", { class: "en" }, "Total")),
        cell(item.credit_total),
        cell(item.disbursed_total),
        cell(item.disbursement_rate, rate(item.disbursement_rate)),
      ),
    );
  }
  $("#loans tbody").replaceChildren(...rows);
}

function fillRectification(tallies) {
  $("#rectification tbody").replaceChildren(
    ...tallies.map((t) => {
      const cell = (value, shown) => el("td", { class: "num" }, sourced(value, t.source, shown));
      const done = t.rate !== null && Number(t.rate) >= 100;
      return el(
        "tr",
        {},
        el("td", {}, t.campaign.name_zh, " · ", TALLY_ITEMS[t.item] ?? t.item),
        cell(t.found),
        cell(t.rectified),
        cell(t.in_progress),
        el("td", { class: `num ${done ? "done" : "open"}` }, sourced(t.rate, t.source, rate(t.rate))),
        el("td", { class: "date" }, t.as_of ?? "—"),
      );
    }),
  );
}

function fillSources() {
  const byDocument = new Map();
  for (const { document, annex } of state.sources.values()) {
    if (!byDocument.has(document.id)) byDocument.set(document.id, { document, annexes: new Set() });
    byDocument.get(document.id).annexes.add(annex);
  }
  $("#sources").replaceChildren(
    ...[...byDocument.values()].map(({ document, annexes }) =>
      el(
        "li",
        {},
        el("a", { href: `${API}/documents/${document.id}` }, document.number),
        ` ${document.title}（${document.issuer}，${document.issued_on}）`,
        el(
          "ul",
          {},
          ...[...annexes].sort((a, b) => (a ?? 0) - (b ?? 0)).map((annex) => {
            const title = document.annexes.find((a) => a.annex === annex)?.title ?? "";
            return el("li", { id: `source-${document.id}-${annex ?? 0}` }, `附件${annex ?? ""} ${title}`);
          }),
        ),
      ),
    ),
  );
}

// --- start -----------------------------------------------------------------------------

async function start() {
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.font.size = 13;
  const documents = await get(`${API}/documents?limit=500`);
  state.documents = new Map(documents.items.map((d) => [d.number, d]));
  $("#regions").replaceChildren(...(await provinces()).map(treeNode));
  $("#year").addEventListener("change", (event) =>
    show(Number(event.target.value)).catch((e) => status(e.message)),
  );
  const code = decodeURIComponent(window.location.hash.slice(1));
  if (code && !code.startsWith("source-")) await select(await get(`${API}/regions/${encodeURIComponent(code)}`));
}

start().catch((e) => {
  $("#hint").textContent = `无法加载 Could not load: ${e.message}`;
});
