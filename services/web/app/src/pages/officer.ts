// An officer's scorecard: every measure for the period (on time, of, percent,
// excluded by an exception, target, RAG in words), the figures on the "as
// on" date, each linking to the cases behind it; CSV.
import { html, query, type Html } from "../html";
import { iso, long, periodFrom, periodParams } from "../dates";
import type { Api } from "../api";
import { caption, csv, downloadButton, errorSummary, offerCsv, percent, ragName, ragTag, scrollTable } from "../ui";
import { periodForm } from "./period";

export async function officerPage(api: Api, officerId: string, params: URLSearchParams): Promise<{ title: string; body: Html }> {
  const { period, errors } = periodFrom(params);
  if (!period) {
    return { title: "Scorecard", body: html`${errorSummary(errors)}<h1 class="govuk-heading-l">Scorecard of ${officerId}</h1>${periodForm(undefined, params, errors)}` };
  }
  const card = await api.projection.getOfficerScorecard({ officerId, from: period.from, to: period.to, asOf: period.asOf });
  const periodQuery = periodParams(period);
  offerCsv("scorecard", `scorecard-${officerId}-${iso(period.from)}-to-${iso(period.to)}.csv`, csv([
    ["measure", "name", "numerator", "denominator", "percent", "excluded", "target", "rag"],
    ...card.measures.map((m) => [m.code, m.name, m.numerator, m.denominator, (Math.round(m.percent * 10) / 10).toFixed(1), m.excluded, m.target, ragName(m.rag)]),
  ]));
  const worklist = `/worklist/${encodeURIComponent(officerId)}`;
  return {
    title: `Scorecard of ${officerId}`,
    body: html`
${caption("Scorecard")}
<h1 class="govuk-heading-l">${officerId}</h1>
${periodForm(period, params, [])}
<h2 class="govuk-heading-m">On ${long(period.asOf)}</h2>
<dl class="govuk-summary-list" id="figures">
  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Caseload (children with an open process)</dt><dd class="govuk-summary-list__value">${card.caseload}</dd></div>
  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Open items</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="${worklist}${query({ asOf: iso(period.asOf) })}">${card.openItems}</a></dd></div>
  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Overdue items</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="${worklist}${query({ show: "overdue", asOf: iso(period.asOf) })}">${card.overdueItems}</a></dd></div>
  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Plans with a review pending</dt><dd class="govuk-summary-list__value">${card.activePlans}</dd></div>
  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Reviews overdue (the backlog)</dt><dd class="govuk-summary-list__value">${card.reviewBacklog} (${percent(card.reviewBacklogPercent)})</dd></div>
</dl>
${scrollTable("Measures", html`
<table class="govuk-table" id="measures">
  <caption class="govuk-table__caption govuk-table__caption--m">Measures: ${long(period.from)} to ${long(period.to)}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Measure</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">On time, of</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Percent</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Excepted</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Target</th>
    <th scope="col" class="govuk-table__header">Against target</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${card.measures.map((m) => html`<tr class="govuk-table__row">
    <th scope="row" class="govuk-table__header">${m.name}<br><span class="govuk-body-s">${m.code}</span></th>
    <td class="govuk-table__cell govuk-table__cell--numeric app-figure" data-row="${officerId}" data-measure="${m.code}" data-numerator="${m.numerator}" data-denominator="${m.denominator}"><a class="govuk-link" href="/exceptions${query({ officer: officerId, measure: m.code, ...periodQuery })}">${m.numerator} of ${m.denominator}<span class="govuk-visually-hidden"> (${m.name})</span></a></td>
    <td class="govuk-table__cell govuk-table__cell--numeric">${m.denominator > 0n ? percent(m.percent) : "-"}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">${m.excluded}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">${m.target ? `${m.lowerIsBetter ? "at most " : ""}${m.target}${m.lowerIsBetter ? "" : "%"}` : "-"}</td>
    <td class="govuk-table__cell">${ragTag(m.rag)}</td>
  </tr>`)}
  </tbody>
</table>`)}
${downloadButton("scorecard", "Download this scorecard (CSV)")}
<p class="govuk-body"><a class="govuk-link" href="/trends${query({ officer: officerId })}">Trends of ${officerId}</a></p>`,
  };
}
