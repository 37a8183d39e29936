// The cases behind a figure (the exception report): for a clock measure,
// clocks missed in the period, then those still open past their due date on
// the "as on" date - child, dates, days late, the officer; for a rate
// measure, every case the figure counted, those short of the target first.
import { html, query, type Html } from "../html";
import { iso, long, periodFrom, type Period } from "../dates";
import type { ExceptionReport } from "../gen/casework/v1/projection_pb";
import type { Api } from "../api";
import type { AppConfig } from "../auth";
import { caption, csv, downloadButton, errorSummary, offerCsv, scrollTable } from "../ui";

export function childLinks(childId: string, config: AppConfig): Html {
  const own = config.caseSystemUrl
    ? html` <a class="govuk-link govuk-body-s" href="${config.caseSystemUrl.replace("{child_id}", encodeURIComponent(childId))}" rel="noopener" target="_blank">in the case system<span class="govuk-visually-hidden"> for ${childId} (opens in new tab)</span></a>`
    : "";
  return html`<a class="govuk-link" href="/child/${encodeURIComponent(childId)}">${childId}</a>${own}`;
}

export function casePath(source: string, streamId: string): string {
  return `/case/${encodeURIComponent(source)}/${encodeURIComponent(streamId)}`;
}

export async function exceptionsPage(api: Api, config: AppConfig, params: URLSearchParams): Promise<{ title: string; body: Html }> {
  const { period, errors } = periodFrom(params);
  const measure = params.get("measure") ?? "";
  const officerId = params.get("officer") ?? "";
  const teamId = params.get("team") ?? "";
  const la = params.get("la") === "1";
  const whose = officerId ? `officer ${officerId}` : teamId ? `team ${teamId}` : "the LA";
  if (!period || !measure) {
    if (!measure) errors.push({ field: "measure", message: "Choose a measure from a dashboard" });
    return { title: "Cases behind a figure", body: html`${errorSummary(errors)}<h1 class="govuk-heading-l">Cases behind a figure</h1>` };
  }
  const report = await api.projection.getExceptionReport({
    officerId, teamId, la, measure, from: period.from, to: period.to, asOf: period.asOf, pageSize: 1000,
  });
  if (report.rate) return rateCases(report, config, period, whose, { officerId, teamId, la, measure });
  const rows = report.items.map((x) => html`
    <tr class="govuk-table__row" data-child="${x.childId}">
      <td class="govuk-table__cell">${childLinks(x.childId, config)}</td>
      <td class="govuk-table__cell"><a class="govuk-link" href="${casePath(x.source, x.streamId)}">${x.streamId}</a><br><span class="govuk-body-s">${x.rule}</span></td>
      <td class="govuk-table__cell">${x.officerId}</td>
      <td class="govuk-table__cell">${long(x.startedOn)}</td>
      <td class="govuk-table__cell">${long(x.dueOn)}</td>
      <td class="govuk-table__cell">${x.open ? html`<strong class="govuk-tag govuk-tag--red">Still open</strong>` : long(x.closedOn)}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">${x.daysLate}${x.open ? " so far" : ""}</td>
    </tr>`);
  const header = ["child_id", "source", "case", "clock", "rule", "officer", "started_on", "due_on", "closed_on", "days_late", "open"];
  offerCsv("exceptions", `cases-${measure}-${iso(period.from)}-to-${iso(period.to)}.csv`, csv([header, ...report.items.map((x) => [
    x.childId, x.source, x.streamId, x.clockId, x.rule, x.officerId, iso(x.startedOn), iso(x.dueOn), iso(x.closedOn), x.daysLate, x.open ? "yes" : "no",
  ])]));
  return {
    title: `${report.name} - cases`,
    body: html`
${caption(`Cases behind a figure: ${whose}`)}
<h1 class="govuk-heading-l">${report.name}</h1>
<p class="govuk-body">${report.items.length} case${report.items.length === 1 ? "" : "s"}: missed from ${long(period.from)} to ${long(period.to)}, then still open past the due date on ${long(period.asOf)}.</p>
${report.truncated ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> There are more cases than shown: choose a shorter period.</strong></div>` : ""}
${report.items.length === 0 ? html`<p class="govuk-body">No case was late.</p>` : scrollTable("Cases", html`
<table class="govuk-table" id="exceptions">
  <caption class="govuk-table__caption govuk-table__caption--s">Missed first (by date closed), then open (by due date)</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Child</th>
    <th scope="col" class="govuk-table__header">Case and rule</th>
    <th scope="col" class="govuk-table__header">Officer</th>
    <th scope="col" class="govuk-table__header">Started</th>
    <th scope="col" class="govuk-table__header">Due</th>
    <th scope="col" class="govuk-table__header">Closed</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Days late</th>
  </tr></thead>
  <tbody class="govuk-table__body">${rows}</tbody>
</table>`)}
${downloadButton("exceptions", "Download these cases (CSV)")}
<p class="govuk-body"><a class="govuk-link" href="/trends${query({ officer: officerId, team: teamId, la: la ? "1" : "", measure })}">See the trend of this measure</a></p>`,
  };
}

// A rate measure's cases: every case the figure counted in the period, those
// against the target first, with what each added to the figure and the total.
function rateCases(report: ExceptionReport, config: AppConfig, period: Period, whose: string,
                   scope: { officerId: string; teamId: string; la: boolean; measure: string }): { title: string; body: Html } {
  const { officerId, teamId, la, measure } = scope;
  const numerator = report.items.reduce((n, x) => n + Number(x.numerator), 0);
  const denominator = report.items.reduce((n, x) => n + Number(x.denominator), 0);
  const rows = report.items.map((x) => html`
    <tr class="govuk-table__row" data-child="${x.childId}" data-stream="${x.streamId}">
      <td class="govuk-table__cell">${childLinks(x.childId, config)}</td>
      <td class="govuk-table__cell"><a class="govuk-link" href="${casePath(x.source, x.streamId)}">${x.streamId}</a></td>
      <td class="govuk-table__cell">${x.officerId}</td>
      <td class="govuk-table__cell">${long(x.countedOn)}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">${String(x.numerator)}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">${String(x.denominator)}</td>
    </tr>`);
  offerCsv("exceptions", `cases-${measure}-${iso(period.from)}-to-${iso(period.to)}.csv`, csv([
    ["child_id", "source", "case", "officer", "first_counted_on", "numerator", "denominator"],
    ...report.items.map((x) => [x.childId, x.source, x.streamId, x.officerId, iso(x.countedOn), String(x.numerator), String(x.denominator)]),
  ]));
  return {
    title: `${report.name} - cases`,
    body: html`
${caption(`Cases behind a figure: ${whose}`)}
<h1 class="govuk-heading-l">${report.name}</h1>
<p class="govuk-body" id="rate-summary">${report.items.length} case${report.items.length === 1 ? "" : "s"} counted from ${long(period.from)} to ${long(period.to)}: ${numerator} of ${denominator}.</p>
${report.truncated ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> There are more cases than shown: choose a shorter period.</strong></div>` : ""}
${report.items.length === 0 ? html`<p class="govuk-body">No case was counted in this period.</p>` : scrollTable("Cases", html`
<table class="govuk-table" id="exceptions">
  <caption class="govuk-table__caption govuk-table__caption--s">Cases short of the target first, then by the day first counted</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Child</th>
    <th scope="col" class="govuk-table__header">Case</th>
    <th scope="col" class="govuk-table__header">Officer</th>
    <th scope="col" class="govuk-table__header">First counted</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Counted in the figure</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Counted in the total</th>
  </tr></thead>
  <tbody class="govuk-table__body">${rows}</tbody>
</table>`)}
${downloadButton("exceptions", "Download these cases (CSV)")}
<p class="govuk-body"><a class="govuk-link" href="/trends${query({ officer: officerId, team: teamId, la: la ? "1" : "", measure })}">See the trend of this measure</a></p>`,
  };
}
