// The QA lead's dip sample (/sample): a form that draws a sample of the plans
// last issued in a period (AnnualReviewService.DrawSample), then the plans
// drawn and the day their audits are due. Each plan drawn is on the
// auditor's worklist until audited.
import { html } from "../html";
import type { Api } from "../api";
import type { Who } from "../auth";
import type { DrawSampleResponse } from "../gen/casework/v1/annual_review_pb";
import { addDays, iso, long, today } from "../dates";
import { caption, scrollTable } from "../ui";
import { casePath } from "./exceptions";
import { findQuery, type FormSpec } from "./forms";
import { formPage, type Show, type StepPage } from "./steps";

export function samplePage(api: Api, who: Who, show: Show): StepPage {
  const method = findQuery("annual-reviews", "DrawSample");
  if (!method) return { title: "Not found", body: html`<h1 class="govuk-heading-l">Page not found</h1>` };
  // The last calendar month, the usual period of a monthly sample.
  const now = today();
  const lastOfPrevious = addDays({ year: now.year, month: now.month, day: 1 }, -1);
  const spec: FormSpec = {
    source: "annual-reviews", method, title: "Draw a dip sample", captionText: "Quality assurance",
    values: {
      issued_from: iso({ year: lastOfPrevious.year, month: lastOfPrevious.month, day: 1 }),
      issued_to: iso(lastOfPrevious),
    },
    back: "/la?area=quality",
  };
  return formPage(api, spec, show, (r) => show(drawnPage(who, r as unknown as DrawSampleResponse)));
}

function drawnPage(who: Who, r: DrawSampleResponse): StepPage {
  const n = r.planIds.length;
  const worklist = `/worklist/${encodeURIComponent(who.officerId)}?process=annual-reviews`;
  const table = html`
<table class="govuk-table" id="sample-plans">
  <caption class="govuk-table__caption govuk-table__caption--s">Plans drawn in sample ${r.sampleId}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Plan</th>
    <th scope="col" class="govuk-table__header">Audit due by</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${r.planIds.map((id) => html`<tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="${casePath("annual-reviews", id)}">${id}</a></td>
    <td class="govuk-table__cell">${long(r.dueOn)}</td>
  </tr>`)}
  </tbody>
</table>`;
  return {
    title: "Sample drawn",
    body: html`
${caption("Quality assurance")}
<div class="govuk-panel govuk-panel--confirmation">
  <h1 class="govuk-panel__title">Sample drawn</h1>
  <div class="govuk-panel__body" id="sample-summary">${n} of ${r.population} plan${r.population === 1 ? "" : "s"}${r.repeated ? " (drawn before: nothing new)" : ""}</div>
</div>
${n ? html`<p class="govuk-body">Audit each plan by ${long(r.dueOn)}. They are on <a class="govuk-link" href="${worklist}">your worklist</a> until audited.</p>
${scrollTable("Plans drawn", table)}` : html`<p class="govuk-body">No plan was last issued in the period${r.population ? "" : " (of the team asked)"}: nothing was drawn.</p>`}
<p class="govuk-body"><a class="govuk-link" href="/sample">Draw another sample</a></p>`,
  };
}
