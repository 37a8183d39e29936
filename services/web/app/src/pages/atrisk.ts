// Early warning: the open EHC needs assessments and reviews likely to miss
// their deadline (of an officer, a team or the LA), with what holds each up,
// and the method the forecast uses. /at-risk?officer=O | team=T | la=1
import { html, query, type Html } from "../html";
import { iso, long } from "../dates";
import type { Api } from "../api";
import type { AppConfig } from "../auth";
import type { AtRiskReport } from "../gen/casework/v1/projection_pb";
import { caption, csv, downloadButton, offerCsv, scrollTable } from "../ui";
import { casePath, childLinks } from "./exceptions";

export async function atRiskPage(api: Api, config: AppConfig, params: URLSearchParams): Promise<{ title: string; body: Html }> {
  const officerId = params.get("officer") ?? "";
  const teamId = params.get("team") ?? "";
  const la = params.get("la") === "1";
  const scope = officerId ? officerId : teamId ? `team ${teamId}` : "the LA";
  const report = await api.projection.getAtRisk({ officerId, teamId, la });
  offerCsv("at-risk", `at-risk-${officerId || teamId || "la"}-${iso(report.asOf)}.csv`, csv([
    ["officer_id", "child_id", "case", "rule", "started_on", "due_on", "forecast_on", "late_percent", "stage", "holding_up", "reference_cases"],
    ...report.items.map((x) => [x.officerId, x.childId, x.streamId, x.rule, iso(x.startedOn), iso(x.dueOn), iso(x.forecastOn), x.latePercent.toFixed(1), x.stage, x.holdingUp, x.referenceCases]),
  ]));
  return {
    title: `At risk of missing a deadline: ${scope}`,
    body: html`
${caption("Early warning")}
<h1 class="govuk-heading-l">At risk of missing a deadline: ${scope}</h1>
${atRiskSummary(report)}
${report.items.length ? scrollTable("Assessments at risk", atRiskTable(report, config, !officerId)) : ""}
${report.items.length ? downloadButton("at-risk", "Download this list (CSV)") : ""}
<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">How the forecast is made</span></summary>
<div class="govuk-details__text" id="at-risk-method">${report.method}</div></details>
${officerId ? html`<p class="govuk-body"><a class="govuk-link" href="/worklist/${encodeURIComponent(officerId)}">Worklist of ${officerId}</a></p>` : ""}`,
  };
}

export function atRiskSummary(report: AtRiskReport): Html {
  const n = report.items.length;
  return html`<p class="govuk-body" id="at-risk-summary">On ${long(report.asOf)}: ${n} of ${report.openCases} open assessment${report.openCases === 1 ? "" : "s"} and review${report.openCases === 1 ? "" : "s"} not yet due ${n === 1 ? "is" : "are"} at risk of missing the deadline${report.withoutForecast ? ` (${report.withoutForecast} without a forecast: too little history at their stage)` : ""}.</p>`;
}

export function atRiskTable(report: AtRiskReport, config: AppConfig, withOfficer: boolean): Html {
  return html`
<table class="govuk-table" id="at-risk">
  <caption class="govuk-table__caption govuk-table__caption--s">Soonest due first</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    ${withOfficer ? html`<th scope="col" class="govuk-table__header">Officer</th>` : ""}
    <th scope="col" class="govuk-table__header">Child</th>
    <th scope="col" class="govuk-table__header">Case</th>
    <th scope="col" class="govuk-table__header">Due</th>
    <th scope="col" class="govuk-table__header">Most likely done</th>
    <th scope="col" class="govuk-table__header">Holding it up</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${report.items.map((x) => html`<tr class="govuk-table__row" data-stream="${x.streamId}">
    ${withOfficer ? html`<td class="govuk-table__cell"><a class="govuk-link" href="/worklist/${encodeURIComponent(x.officerId)}">${x.officerId}</a></td>` : ""}
    <td class="govuk-table__cell">${childLinks(x.childId, config)}</td>
    <td class="govuk-table__cell"><a class="govuk-link" href="${casePath(x.source, x.streamId)}">${x.streamId}</a></td>
    <td class="govuk-table__cell">${long(x.dueOn)}</td>
    <td class="govuk-table__cell">${long(x.forecastOn)}<br><span class="govuk-body-s">${Math.round(x.latePercent)}% of ${x.referenceCases} past assessments like it were later than its due date</span></td>
    <td class="govuk-table__cell">${x.holdingUp}<br><span class="govuk-body-s">${x.stage}</span></td>
  </tr>`)}
  </tbody>
</table>`;
}

export function atRiskLink(params: Record<string, string>, text: string): Html {
  return html`<a class="govuk-link" href="/at-risk${query(params)}">${text}</a>`;
}
