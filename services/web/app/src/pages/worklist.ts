// An officer's worklist: open clocks by due date, overdue first; filters
// (overdue, due in the next N days, by process) and pages of 50; each row
// links to the case and the child.
import { html, query, type Html } from "../html";
import { addDays, compare, iso, long, parseIso, today } from "../dates";
import type { Api } from "../api";
import type { AppConfig, Who } from "../auth";
import type { WorklistItem } from "../gen/casework/v1/projection_pb";
import { caption, csv, downloadButton, errorSummary, offerCsv, openClockTag, scrollTable } from "../ui";
import { casePath, childLinks } from "./exceptions";
import { atRiskLink } from "./atrisk";

const PAGE = 50;
const PROCESSES: Record<string, string> = {
  "ehc-assessments": "EHC needs assessments",
  "annual-reviews": "Annual reviews",
  transport: "Home-to-school travel",
  complaints: "Complaints and disagreements",
};

export async function worklistPage(api: Api, config: AppConfig, officerId: string, params: URLSearchParams, who?: Who): Promise<{ title: string; body: Html }> {
  const errors = [];
  const asOfText = params.get("asOf");
  const asOf = asOfText ? parseIso(asOfText) : today();
  if (!asOf) errors.push({ field: "asOf", message: "Enter the date as a real date, for example 2026-03-31" });
  const show = params.get("show") ?? "all";
  const daysText = params.get("days") ?? "14";
  const days = parseInt(daysText, 10);
  if (show === "due" && !(days >= 0 && days <= 366)) errors.push({ field: "days", message: "Enter a number of days from 0 to 366" });
  const process = params.get("process") ?? "";
  if (errors.length || !asOf) {
    return { title: "Worklist", body: html`${errorSummary(errors)}<h1 class="govuk-heading-l">Worklist</h1>${filters(officerId, params)}` };
  }
  // Every open item (the service pages by 1000).
  const items: WorklistItem[] = [];
  let token = "";
  let open = 0, overdue = 0;
  // Read-your-writes: a step just recorded (source:stream:version) is in the
  // worklist before it is shown.
  const after = (params.get("after") ?? "").split(":");
  const seen = after.length === 3 && /^\d+$/.test(after[2])
    ? [{ source: after[0], streamId: after[1], version: BigInt(after[2]) }] : [];
  for (let n = 0; n < 20; n++) {
    const w = await api.projection.getWorklist({ officerId, asOf, pageSize: 1000, pageToken: token, after: seen });
    items.push(...w.items);
    open = w.openCount;
    overdue = w.overdueCount;
    token = w.nextPageToken;
    if (!token) break;
  }
  // The officer's assessments and reviews likely to miss their deadline
  // (early warning);
  // none for a worklist of audits (the QA role reads no case at risk).
  const caseReader = !who || who.roles.some((r) => r === "officer" || r === "manager" || r === "head_of_service");
  const risk = caseReader ? await api.projection.getAtRisk({ officerId, asOf }) : undefined;
  const atRisk = new Map((risk?.items ?? []).map((x) => [`${x.streamId}|${x.rule}`, x]));
  const horizon = addDays(asOf, days);
  const shown = items
    .filter((x) => !process || x.source === process)
    .filter((x) => show !== "overdue" || x.overdue)
    .filter((x) => show !== "due" || (!x.overdue && x.dueOn && compare(x.dueOn, horizon) <= 0))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || compare(a.dueOn!, b.dueOn!));
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const page = Math.min(pages, Math.max(1, parseInt(params.get("page") ?? "1", 10) || 1));
  const slice = shown.slice((page - 1) * PAGE, page * PAGE);
  offerCsv("worklist", `worklist-${officerId}-${iso(asOf)}.csv`, csv([
    ["child_id", "process", "case", "clock", "rule", "name", "started_on", "due_on", "overdue", "days_overdue", "exception"],
    ...shown.map((x) => [x.childId, x.source, x.streamId, x.clockId, x.rule, x.name, iso(x.startedOn), iso(x.dueOn), x.overdue ? "yes" : "no", x.daysOverdue, x.exception ? "yes" : "no"]),
  ]));
  const pageLink = (n: number) => `${query({ ...Object.fromEntries(params), page: n })}`;
  const table = html`
<table class="govuk-table" id="worklist">
  <caption class="govuk-table__caption govuk-table__caption--s">Showing ${slice.length} of ${shown.length} item${shown.length === 1 ? "" : "s"} (page ${page} of ${pages})</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Due</th>
    <th scope="col" class="govuk-table__header">What</th>
    <th scope="col" class="govuk-table__header">Child</th>
    <th scope="col" class="govuk-table__header">Case</th>
    <th scope="col" class="govuk-table__header">State</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${slice.map((x) => html`<tr class="govuk-table__row" data-overdue="${x.overdue}">
    <td class="govuk-table__cell">${long(x.dueOn)}</td>
    <td class="govuk-table__cell">${x.name}<br><span class="govuk-body-s">${x.rule}, from ${long(x.startedOn)}</span></td>
    <td class="govuk-table__cell">${childLinks(x.childId, config)}</td>
    <td class="govuk-table__cell"><a class="govuk-link" href="${casePath(x.source, x.streamId)}">${x.streamId}</a><br><span class="govuk-body-s">${PROCESSES[x.source] ?? x.source}</span></td>
    <td class="govuk-table__cell">${openClockTag(x.overdue ? x.daysOverdue : 0)}${x.exception ? html` <strong class="govuk-tag govuk-tag--grey">Exception applies</strong>` : ""}${atRisk.has(`${x.streamId}|${x.rule}`) ? html` <strong class="govuk-tag govuk-tag--orange">At risk: likely ${long(atRisk.get(`${x.streamId}|${x.rule}`)!.forecastOn)}</strong><br><span class="govuk-body-s">${atRisk.get(`${x.streamId}|${x.rule}`)!.holdingUp}</span>` : ""}</td>
  </tr>`)}
  </tbody>
</table>`;
  const nav = pages > 1 ? html`
<nav class="govuk-pagination" aria-label="Pages of the worklist">
  ${page > 1 ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${pageLink(page - 1)}" rel="prev"><span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page</span></span></a></div>` : ""}
  <ul class="govuk-pagination__list">
    ${Array.from({ length: pages }, (_, i) => i + 1).filter((n) => n === 1 || n === pages || Math.abs(n - page) <= 2).map((n) => html`<li class="govuk-pagination__item${n === page ? " govuk-pagination__item--current" : ""}"><a class="govuk-link govuk-pagination__link" href="${pageLink(n)}" aria-label="Page ${n}"${n === page ? html` aria-current="page"` : ""}>${n}</a></li>`)}
  </ul>
  ${page < pages ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${pageLink(page + 1)}" rel="next"><span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span></a></div>` : ""}
</nav>` : "";
  return {
    title: `Worklist of ${officerId}`,
    body: html`
${caption("Worklist")}
<h1 class="govuk-heading-l">${officerId}</h1>
<p class="govuk-body" id="worklist-summary">On ${long(asOf)}: ${open} open item${open === 1 ? "" : "s"}, ${overdue} overdue${risk ? html`; ${atRisk.size} at risk of missing the deadline (${atRiskLink({ officer: officerId }, "see why")})` : ""}.</p>
${filters(officerId, params)}
${who && !who.roles.some((r) => r === "officer" || r === "manager") ? "" : newCaseLinks("")}
${shown.length ? scrollTable("Worklist", table) : html`<p class="govuk-body">Nothing to show with these filters.</p>`}
${nav}
${downloadButton("worklist", "Download this worklist (CSV)")}
<p class="govuk-body"><a class="govuk-link" href="/trends${query({ officer: officerId })}">Trends of ${officerId}</a></p>`,
  };
}

export function newCaseLinks(childId: string): Html {
  const q = childId ? `?child=${encodeURIComponent(childId)}` : "";
  return html`<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Start a new case${childId ? " for this child" : ""}</span></summary>
<div class="govuk-details__text"><ul class="govuk-list" id="new-cases">
  <li><a class="govuk-link" href="/new/ehc-request${q}">An EHC needs assessment request</a></li>
  <li><a class="govuk-link" href="/new/plan${q}">An EHC plan (registration or transfer in)</a></li>
  <li><a class="govuk-link" href="/new/travel${q}">A home-to-school travel application</a></li>
  <li><a class="govuk-link" href="/new/complaint${q}">A complaint</a></li>
  <li><a class="govuk-link" href="/new/disagreement${q}">A disagreement (mediation or appeal)</a></li>
  <li><a class="govuk-link" href="/new/feedback${q}">A compliment, comment or survey response</a></li>
  <li><a class="govuk-link" href="/new/survey${q}">A survey sent to a family</a></li>
</ul></div></details>`;
}

function filters(officerId: string, params: URLSearchParams): Html {
  const show = params.get("show") ?? "all";
  const radio = (value: string, label: string) => html`
    <div class="govuk-radios__item">
      <input class="govuk-radios__input" id="show-${value}" name="show" type="radio" value="${value}"${show === value ? html` checked` : ""}>
      <label class="govuk-label govuk-radios__label" for="show-${value}">${label}</label>
    </div>`;
  return html`
<form method="get" class="app-period" novalidate aria-label="Filter the worklist of ${officerId}">
  <div class="govuk-form-group">
    <fieldset class="govuk-fieldset">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Show</legend>
      <div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">
        ${radio("all", "Everything open")}
        ${radio("overdue", "Overdue only")}
        ${radio("due", "Due soon")}
      </div>
    </fieldset>
  </div>
  <div class="govuk-form-group app-inline-field">
    <label class="govuk-label" for="days">Due within (days, for due soon)</label>
    <input class="govuk-input govuk-input--width-3" id="days" name="days" type="number" min="0" max="366" value="${params.get("days") ?? "14"}">
  </div>
  <div class="govuk-form-group app-inline-field">
    <label class="govuk-label" for="process">Process</label>
    <select class="govuk-select" id="process" name="process">
      <option value="">All processes</option>
      ${Object.entries(PROCESSES).map(([k, v]) => html`<option value="${k}"${params.get("process") === k ? html` selected` : ""}>${v}</option>`)}
    </select>
  </div>
  <div class="govuk-form-group app-inline-field">
    <label class="govuk-label" for="asOf">As on</label>
    <input class="govuk-input govuk-input--width-10" id="asOf" name="asOf" type="date" value="${params.get("asOf") ?? ""}">
  </div>
  <div class="govuk-button-group"><button type="submit" class="govuk-button">Apply filters</button></div>
</form>`;
}
