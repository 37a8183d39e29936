// Trends: a measure month by month for an officer, a team or the LA, with
// its target line, and the review backlog over time. Each chart has its
// figures in a table beside it (and as CSV).
import uPlot from "uplot";
import { html, type Html } from "../html";
import { iso, monthName, today } from "../dates";
import type { Api } from "../api";
import type { Who } from "../auth";
import type { Trend } from "../gen/casework/v1/projection_pb";
import { caption, csv, downloadButton, errorSummary, offerCsv, percent, ragTag } from "../ui";

interface Scope {
  officer: string;
  team: string;
  la: boolean;
  label: string;
}

function scopeOf(params: URLSearchParams, who: Who): Scope {
  const officer = params.get("officer") ?? "";
  const team = params.get("team") ?? "";
  const la = params.get("la") === "1";
  if (officer) return { officer, team: "", la: false, label: `officer ${officer}` };
  if (team) return { officer: "", team, la: false, label: `team ${team}` };
  if (la) return { officer: "", team: "", la: true, label: "the LA" };
  if (who.roles.includes("head_of_service")) return { officer: "", team: "", la: true, label: "the LA" };
  if (who.roles.includes("manager") && who.teams.length) {
    return { officer: "", team: who.teams[0], la: false, label: `team ${who.teams[0]}` };
  }
  return { officer: who.officerId, team: "", la: false, label: `officer ${who.officerId}` };
}

// The scopes of a trend's published figures (national, neighbours, ...).
function scopes(t: Trend): string[] {
  return [...new Set(t.comparisons.map((c) => c.scope))];
}

// The published figure of `scope` for calendar year `year`, if any.
function published(t: Trend, scope: string, year: number) {
  return t.comparisons.find((c) => c.scope === scope && c.year === year);
}

function trendTable(id: string, t: Trend): Html {
  return html`
<table class="govuk-table" id="${id}">
  <caption class="govuk-table__caption govuk-table__caption--s">${t.name}, month by month${t.target ? ` (target ${t.target}${t.points.length && t.name.includes("per 100") ? "" : "%"})` : ""}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Month</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Of</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Percent</th>
    <th scope="col" class="govuk-table__header">Against target</th>
    ${t.comparisons.length ? html`<th scope="col" class="govuk-table__header govuk-table__header--numeric">${scopes(t).join(", ")} (that year)</th>` : ""}
  </tr></thead>
  <tbody class="govuk-table__body">
  ${t.points.map((p) => html`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${monthName(p.year, p.month)}</th>
    <td class="govuk-table__cell govuk-table__cell--numeric">${p.numerator} of ${p.denominator}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">${p.denominator > 0n ? percent(p.percent) : "-"}</td>
    <td class="govuk-table__cell">${ragTag(p.rag)}</td>
    ${t.comparisons.length ? html`<td class="govuk-table__cell govuk-table__cell--numeric">${scopes(t).map((sc) => { const c = published(t, sc, p.year); return c ? percent(c.percent) : "-"; }).join(", ")}</td>` : ""}</tr>`)}
  </tbody>
</table>`;
}

export async function trendsPage(api: Api, who: Who, params: URLSearchParams): Promise<{ title: string; body: Html; after?: (root: HTMLElement) => void }> {
  const scope = scopeOf(params, who);
  const t = today();
  const from = { year: t.year - 1, month: t.month, day: 1 };
  // The measures this scope has (their codes and names come from the
  // projection, not from a list here).
  const card = scope.la
    ? (await api.projection.getLaScorecard({ from, to: t })).totals!
    : scope.team
      ? (await api.projection.getTeamScorecard({ teamId: scope.team, from, to: t })).totals!
      : await api.projection.getOfficerScorecard({ officerId: scope.officer, from, to: t });
  const codes = card.measures.map((m) => m.code);
  const measure = params.get("measure") && codes.includes(params.get("measure")!) ? params.get("measure")! : codes[0];
  const errors = params.get("measure") && !codes.includes(params.get("measure")!)
    ? [{ field: "measure", message: `'${params.get("measure")}' is not a measure: choose one from the list` }] : [];
  const monthsText = params.get("months") ?? "12";
  const months = Math.min(36, Math.max(1, parseInt(monthsText, 10) || 12));
  const req = { officerId: scope.officer, teamId: scope.team, la: scope.la, months };
  const [trend, backlog] = await Promise.all([
    api.projection.getTrend({ ...req, measure }),
    api.projection.getTrend({ ...req, measure: "review.backlog" }),
  ]);
  const rows = (tr: Trend) => [["year", "month", "numerator", "denominator", "percent", "target"],
    ...tr.points.map((p) => [p.year, p.month, p.numerator, p.denominator, (Math.round(p.percent * 10) / 10).toFixed(1), tr.target])];
  offerCsv("trend", `trend-${measure}-${iso(t)}.csv`, csv(rows(trend)));
  offerCsv("backlog", `trend-review-backlog-${iso(t)}.csv`, csv(rows(backlog)));
  const body = html`
${errorSummary(errors)}
${caption(`Trends: ${scope.label}`)}
<h1 class="govuk-heading-l">Trends</h1>
<form method="get" class="app-period" novalidate>
  ${scope.officer ? html`<input type="hidden" name="officer" value="${scope.officer}">` : ""}
  ${scope.team ? html`<input type="hidden" name="team" value="${scope.team}">` : ""}
  ${scope.la ? html`<input type="hidden" name="la" value="1">` : ""}
  <div class="govuk-form-group app-inline-field${errors.length ? " govuk-form-group--error" : ""}">
    <label class="govuk-label" for="measure">Measure</label>
    <select class="govuk-select" id="measure" name="measure">
      ${card.measures.map((m) => html`<option value="${m.code}"${m.code === measure ? html` selected` : ""}>${m.name}</option>`)}
    </select>
  </div>
  <div class="govuk-form-group app-inline-field">
    <label class="govuk-label" for="months">Months</label>
    <input class="govuk-input govuk-input--width-3" id="months" name="months" type="number" min="1" max="36" value="${months}">
  </div>
  <div class="govuk-button-group"><button type="submit" class="govuk-button">Show trend</button></div>
</form>
<figure class="app-figure-chart">
  <figcaption class="govuk-heading-m">${trend.name}</figcaption>
  <div class="app-chart" id="chart-trend" role="img" aria-label="Line chart of ${trend.name} by month, with the target of ${trend.target}${trend.comparisons.length ? " and the published figures" : ""}; the figures are in the table below"></div>
</figure>
${t0Comparisons(trend)}
<details class="govuk-details" open><summary class="govuk-details__summary"><span class="govuk-details__summary-text">The figures of the chart</span></summary>
<div class="govuk-details__text">${trendTable("trend-table", trend)}</div></details>
${downloadButton("trend", "Download this trend (CSV)")}
<figure class="app-figure-chart">
  <figcaption class="govuk-heading-m">${backlog.name}</figcaption>
  <div class="app-chart" id="chart-backlog" role="img" aria-label="Line chart of the review backlog by month, as a percentage of active plans; the figures are in the table below"></div>
</figure>
<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">The figures of the backlog chart</span></summary>
<div class="govuk-details__text">${trendTable("backlog-table", backlog)}</div></details>
${downloadButton("backlog", "Download the backlog trend (CSV)")}`;
  const after = (root: HTMLElement) => {
    draw(root.querySelector<HTMLElement>("#chart-trend")!, trend);
    draw(root.querySelector<HTMLElement>("#chart-backlog")!, backlog);
  };
  return { title: `Trends - ${trend.name}`, body, after };
}

// The published figures of the measure, in words (the chart draws them too).
function t0Comparisons(t: Trend): Html {
  if (!t.comparisons.length) return html``;
  return html`<p class="govuk-body" id="trend-comparisons">Published figures: ${t.comparisons.map((c) => `${c.scope} ${c.year}: ${percent(c.percent)}`).join("; ")} (${[...new Set(t.comparisons.map((c) => c.source))].join("; ")}).</p>`;
}

function draw(el: HTMLElement, t: Trend): void {
  const xs = t.points.map((p) => Date.UTC(p.year, p.month - 1, 15) / 1000);
  const ys = t.points.map((p) => (p.denominator > 0n ? p.percent : null));
  const target = t.points.map(() => t.target);
  // Each published scope as a line at its figure for the point's year.
  const compared = scopes(t).map((sc) => ({ scope: sc, ys: t.points.map((p) => published(t, sc, p.year)?.percent ?? null) }));
  const width = Math.max(280, Math.min(el.clientWidth || 640, 960));
  const plot = new uPlot({
    width,
    height: 260,
    scales: { x: { time: true }, y: { range: (_u, lo, hi) => [0, Math.max(100, hi ?? 0, lo ?? 0)] } },
    axes: [{}, { label: "Percent", values: (_u, v) => v.map((x) => `${x}%`) }],
    series: [
      {},
      { label: t.name.length > 40 ? "Measure" : t.name, stroke: "#1d70b8", width: 3, points: { show: true, size: 8 } },
      { label: "Target", stroke: "#d4351c", width: 2, dash: [8, 6], points: { show: false } },
      ...compared.map((c) => ({ label: `${c.scope[0].toUpperCase()}${c.scope.slice(1)} (published)`, stroke: "#505a5f", width: 2, dash: [2, 4], points: { show: false } })),
    ],
  }, [xs, ys, target, ...compared.map((c) => c.ys)], el);
  el.dataset.points = String(ys.filter((y) => y !== null).length);
  el.dataset.compared = String(compared.length);
  void plot;
}
