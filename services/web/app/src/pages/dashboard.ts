// The team dashboard (a team's officers side by side) and the LA overview
// (every team side by side): each measure as numerator of denominator, the
// percentage and a RAG tag in words; every figure links to the cases behind
// it; sortable by any column; a CSV of the same figures.
import { html, query, type Html } from "../html";
import { iso, long, periodFrom, periodParams, type Period } from "../dates";
import type { Api } from "../api";
import type { AtRiskReport, Measure, OfficerScorecard } from "../gen/casework/v1/projection_pb";
import { atRiskSummary } from "./atrisk";
import { areaOf, inArea } from "../measures";
import { caption, csv, downloadButton, errorSummary, offerCsv, percent, ragName, ragTag, scrollTable } from "../ui";
import { periodForm } from "./period";

interface Row {
  id: string;          // officer or team id ("" for officers in no team)
  label: string;
  link?: string;       // the row's own page
  drill: Record<string, string>;  // what names the row in the exception report
  card: OfficerScorecard;
  officers?: number;
}

type Column = { key: string; label: string; numeric: (r: Row) => number };

function measureOf(card: OfficerScorecard, code: string): Measure | undefined {
  return card.measures.find((m) => m.code === code);
}

function columns(measures: Measure[]): Column[] {
  const fixed: Column[] = [
    { key: "caseload", label: "Caseload", numeric: (r) => Number(r.card.caseload) },
    { key: "open", label: "Open items", numeric: (r) => Number(r.card.openItems) },
    { key: "overdue", label: "Overdue items", numeric: (r) => Number(r.card.overdueItems) },
  ];
  return fixed.concat(measures.map((m) => ({
    key: m.code,
    label: m.name,
    numeric: (r: Row) => {
      const x = measureOf(r.card, m.code);
      return x && x.denominator > 0n ? x.percent : -1;
    },
  })));
}

export interface DashboardInput {
  kind: "team" | "la";
  title: string;
  subtitle: string;
  rows: Row[];
  totals: Row;
  period: Period;
  risk?: AtRiskReport;  // early warning, when the user may see it
}

function sortRows(rows: Row[], cols: Column[], key: string | null, dir: string | null): Row[] {
  const col = cols.find((c) => c.key === key);
  const sorted = [...rows];
  if (col) sorted.sort((a, b) => col.numeric(a) - col.numeric(b) || a.id.localeCompare(b.id));
  else sorted.sort((a, b) => a.id.localeCompare(b.id));
  if (dir === "desc") sorted.reverse();
  return sorted;
}

export function renderDashboard(input: DashboardInput, params: URLSearchParams): Html {
  const area = areaOf(params.get("area"));
  const measures = inArea(input.totals.card.measures, area.id);
  const cols = columns(measures);
  const sortKey = params.get("sort");
  const dir = params.get("dir") === "desc" ? "desc" : "asc";
  const rows = sortRows(input.rows, cols, sortKey, dir);
  const p = input.period;
  const periodQuery = periodParams(p);
  const sortLink = (key: string, label: string) => {
    const active = sortKey === key || (!sortKey && key === "id");
    const next = active && dir === "asc" ? "desc" : "asc";
    const q = query({ ...Object.fromEntries(params), sort: key, dir: next });
    return html`<th scope="col" class="govuk-table__header${key === "id" ? "" : " govuk-table__header--numeric"}" aria-sort="${active ? (dir === "asc" ? "ascending" : "descending") : "none"}"><a class="govuk-link app-sort" href="${q}">${label}<span class="govuk-visually-hidden">, sort ${next === "asc" ? "ascending" : "descending"}</span></a></th>`;
  };
  const drill = (row: Row, code: string) => `/exceptions${query({ ...row.drill, measure: code, ...periodQuery })}`;
  const cell = (row: Row, m: Measure) => {
    const x = measureOf(row.card, m.code);
    if (!x) return html`<td class="govuk-table__cell govuk-table__cell--numeric">-</td>`;
    return html`<td class="govuk-table__cell govuk-table__cell--numeric app-figure" data-row="${row.id}" data-measure="${m.code}" data-numerator="${x.numerator}" data-denominator="${x.denominator}">
      <a class="govuk-link" href="${drill(row, m.code)}">${x.numerator} of ${x.denominator}<span class="govuk-visually-hidden"> (${m.name}, ${row.label})</span></a>
      <span class="app-percent">${x.denominator > 0n ? percent(x.percent) : ""}</span> ${ragTag(x.rag)}${row === input.totals && x.comparisons.length
        ? html`<br><span class="govuk-body-s app-compare">${x.comparisons.map((c) => `${c.scope} ${c.year}: ${percent(c.percent)}`).join("; ")}</span>` : ""}</td>`;
  };
  const fixedCell = (row: Row, value: bigint, link?: string) =>
    html`<td class="govuk-table__cell govuk-table__cell--numeric">${link ? html`<a class="govuk-link" href="${link}">${value}</a>` : value}</td>`;
  const rowHtml = (row: Row, total = false) => html`
    <tr class="govuk-table__row${total ? " app-total" : ""}" data-row-id="${row.id}">
      <th scope="row" class="govuk-table__header">${row.link ? html`<a class="govuk-link" href="${row.link}">${row.label}</a>` : row.label}${row.officers !== undefined ? html`<br><span class="govuk-body-s">${row.officers} officer${row.officers === 1 ? "" : "s"}</span>` : ""}</th>
      ${fixedCell(row, row.card.caseload)}
      ${fixedCell(row, row.card.openItems, input.kind === "team" && !total ? `/worklist/${encodeURIComponent(row.id)}` : undefined)}
      ${fixedCell(row, row.card.overdueItems, input.kind === "team" && !total ? `/worklist/${encodeURIComponent(row.id)}?show=overdue` : undefined)}
      ${measures.map((m) => cell(row, m))}
    </tr>`;
  const table = html`
<table class="govuk-table app-dashboard" data-kind="${input.kind}">
  <caption class="govuk-table__caption govuk-table__caption--m">${area.name}: ${long(p.from)} to ${long(p.to)}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    ${sortLink("id", input.kind === "team" ? "Officer" : "Team")}
    ${cols.map((c) => sortLink(c.key, c.label))}
  </tr></thead>
  <tbody class="govuk-table__body">
    ${rows.map((r) => rowHtml(r))}
    ${rowHtml(input.totals, true)}
  </tbody>
</table>`;
  // The CSV: every measure (not only the area shown), the same figures.
  const all = input.totals.card.measures;
  const header = [input.kind === "team" ? "officer" : "team", "caseload", "open_items", "overdue_items", "active_plans", "review_backlog"];
  for (const m of all) header.push(`${m.code} numerator`, `${m.code} denominator`, `${m.code} percent`, `${m.code} rag`);
  const line = (r: Row) => {
    const out: (string | number | bigint)[] = [r.id || r.label, r.card.caseload, r.card.openItems, r.card.overdueItems, r.card.activePlans, r.card.reviewBacklog];
    for (const m of all) {
      const x = measureOf(r.card, m.code);
      out.push(x?.numerator ?? 0n, x?.denominator ?? 0n, x ? (Math.round(x.percent * 10) / 10).toFixed(1) : "", x ? ragName(x.rag) : "");
    }
    return out;
  };
  const name = `${input.kind === "team" ? input.totals.id : "la"}-${iso(p.from)}-to-${iso(p.to)}.csv`;
  offerCsv("dashboard", name, csv([header, ...rows.map(line), line(input.totals)]));
  return html`
${caption(input.subtitle)}
<h1 class="govuk-heading-l">${input.title}</h1>
${periodForm(p, params, [], { area: true, keep: ["sort", "dir"] })}
<p class="govuk-body">Each figure counts the clocks that closed in the period: on time, of all that closed (cases the law excepts are left out and counted apart). Select a figure to see the cases behind it. Caseloads, open and overdue items are as on ${long(p.asOf)}.</p>
${scrollTable(`${input.title}: figures`, table)}
${downloadButton("dashboard", "Download all measures (CSV)")}
${comparisonTable(input.totals, measures)}
${input.risk ? riskSection(input) : ""}
<p class="govuk-body"><a class="govuk-link" href="/trends${query({ ...input.totals.drill })}">See trends</a></p>`;
}

// Early warning: how many open assessments and reviews are likely to miss
// their deadline,
// by officer (a team) or by officer across the LA, with a link to the cases.
function riskSection(input: DashboardInput): Html {
  const risk = input.risk!;
  const by = new Map<string, number>();
  for (const x of risk.items) by.set(x.officerId, (by.get(x.officerId) ?? 0) + 1);
  const officers = [...by.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return html`
<h2 class="govuk-heading-m">Early warning</h2>
${atRiskSummary(risk)}
${officers.length ? scrollTable("Cases at risk by officer", html`<table class="govuk-table" id="at-risk-counts">
  <caption class="govuk-table__caption govuk-table__caption--s">Assessments and reviews at risk of missing the deadline, by officer</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Officer</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">At risk</th></tr></thead>
  <tbody class="govuk-table__body">${officers.map(([o, n]) => html`<tr class="govuk-table__row" data-officer="${o}"><td class="govuk-table__cell"><a class="govuk-link" href="/at-risk${query({ officer: o })}">${o}</a></td><td class="govuk-table__cell govuk-table__cell--numeric">${n}</td></tr>`)}</tbody>
</table>`) : ""}
<p class="govuk-body"><a class="govuk-link" href="/at-risk${query(input.totals.drill)}">See the cases at risk and what holds each up</a></p>`;
}

// The totals beside the published figures (the DfE's national figure, ...)
// of each measure shown that has one, in words.
function comparisonTable(totals: Row, measures: Measure[]): Html {
  const compared = measures.map((m) => measureOf(totals.card, m.code)).filter((x): x is Measure => !!x && x.comparisons.length > 0);
  if (!compared.length) return html``;
  return html`
<h2 class="govuk-heading-m">How ${totals.label === "LA total" ? "the LA compares" : "this compares"}</h2>
${scrollTable("How the figures compare", html`<table class="govuk-table" id="comparisons">
  <caption class="govuk-table__caption govuk-table__caption--s">${totals.label} beside the published figures for the latest year up to the period's end</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Measure</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">${totals.label}</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Target</th>
    <th scope="col" class="govuk-table__header">Published figures</th>
  </tr></thead>
  <tbody class="govuk-table__body">${compared.map((x) => html`<tr class="govuk-table__row" data-measure="${x.code}">
    <th scope="row" class="govuk-table__header">${x.name}</th>
    <td class="govuk-table__cell govuk-table__cell--numeric">${x.denominator > 0n ? percent(x.percent) : "no cases"}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">${x.target ? percent(x.target) : "none"}</td>
    <td class="govuk-table__cell">${x.comparisons.map((c) => html`<span class="app-comparison" data-scope="${c.scope}" data-year="${c.year}" data-percent="${c.percent}">${c.scope} ${c.year}: ${percent(c.percent)}</span> <span class="govuk-body-s">(${c.source})</span><br>`)}</td>
  </tr>`)}</tbody>
</table>`)}`;
}

export async function teamPage(api: Api, teamId: string, params: URLSearchParams): Promise<{ title: string; body: Html }> {
  const { period, errors } = periodFrom(params);
  if (!period) {
    return { title: "Team dashboard", body: html`${errorSummary(errors)}<h1 class="govuk-heading-l">Team dashboard</h1>${periodForm(undefined, params, errors, { area: true })}` };
  }
  const t = await api.projection.getTeamScorecard({ teamId, from: period.from, to: period.to, asOf: period.asOf });
  const rows: Row[] = t.officers.map((o) => ({
    id: o.officerId, label: o.officerId,
    link: `/officer/${encodeURIComponent(o.officerId)}${query(periodParams(period))}`,
    drill: { officer: o.officerId }, card: o,
  }));
  const totals: Row = { id: teamId, label: "Team total", drill: { team: teamId }, card: t.totals! };
  const title = t.teamName || teamId;
  const risk = await api.projection.getAtRisk({ teamId, asOf: period.asOf });
  return { title: `${title} - team dashboard`, body: renderDashboard({ kind: "team", title, subtitle: "Team dashboard", rows, totals, period, risk }, params) };
}

export async function laPage(api: Api, params: URLSearchParams): Promise<{ title: string; body: Html }> {
  const { period, errors } = periodFrom(params);
  if (!period) {
    return { title: "LA overview", body: html`${errorSummary(errors)}<h1 class="govuk-heading-l">LA overview</h1>${periodForm(undefined, params, errors, { area: true })}` };
  }
  const la = await api.projection.getLaScorecard({ from: period.from, to: period.to, asOf: period.asOf });
  const rows: Row[] = la.teams.map((t) => ({
    id: t.teamId, label: t.teamId ? t.teamName || t.teamId : t.teamName,
    link: t.teamId ? `/team/${encodeURIComponent(t.teamId)}${query(periodParams(period))}` : undefined,
    drill: (t.teamId ? { team: t.teamId } : { la: "1" }) as Record<string, string>, card: t.totals!, officers: t.officers,
  }));
  const officers = la.teams.reduce((n, t) => n + t.officers, 0);
  const totals: Row = { id: "la", label: "LA total", drill: { la: "1" }, card: la.totals!, officers };
  // The LA's cases at risk are the head of service's (the QA role has none).
  const risk = await api.projection.getAtRisk({ la: true, asOf: period.asOf }).catch(() => undefined);
  return { title: "LA overview", body: renderDashboard({ kind: "la", title: "Every team", subtitle: "LA overview", rows, totals, period, risk }, params) };
}
