// The child's timeline and the case pages (assessment, plan, travel
// application, complaint, disagreement): every clock with its rule, the
// provision, due date and state in plain words.
import type { DescMessage, Message } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { html, type Html } from "../html";
import { iso, long, overdueDays, today, type Ymd } from "../dates";
import type { Api } from "../api";
import type { AppConfig } from "../auth";
import { AuditGrade, AuditKind, AuditedPlan, ClockStatus, CriterionResult, OutcomeArea, OutcomeProgress, type Clock } from "../gen/casework/v1/common_pb";
import { AssessmentSchema } from "../gen/casework/v1/ehc_assessment_pb";
import { PlanSchema, type Plan } from "../gen/casework/v1/annual_review_pb";
import { SchoolTerm } from "../gen/casework/v1/school_events_pb";
import { TransportApplicationSchema } from "../gen/casework/v1/transport_pb";
import { ComplaintSchema, DisagreementSchema, FeedbackSchema } from "../gen/casework/v1/complaints_pb";
import { caption, csv, downloadButton, offerCsv, openClockTag, scrollTable } from "../ui";
import { casePath, childLinks } from "./exceptions";
import { newCaseLinks } from "./worklist";
import { label, words } from "./forms";

const SOURCES: Record<string, string> = {
  "ehc-assessments": "EHC needs assessment",
  "annual-reviews": "EHC plan",
  transport: "Home-to-school travel application",
  complaints: "Complaint or disagreement",
};

export async function childPage(api: Api, config: AppConfig, childId: string): Promise<{ title: string; body: Html }> {
  const t = await api.projection.getTimeline({ childId, pageSize: 1000 });
  offerCsv("timeline", `timeline-${childId}.csv`, csv([
    ["occurred_on", "service", "case", "event", "officer", "line"],
    ...t.entries.map((e) => [iso(e.occurredOn), e.source, e.streamId, e.eventType, e.officerId, e.line]),
  ]));
  const cases = [...new Map(t.entries.map((e) => [`${e.source}/${e.streamId}`, e])).values()];
  return {
    title: `Timeline of ${childId}`,
    body: html`
${caption("Child")}
<h1 class="govuk-heading-l">${childId}</h1>
${config.caseSystemUrl ? html`<p class="govuk-body">${childLinks(childId, config)}</p>` : ""}
${newCaseLinks(childId)}
<h2 class="govuk-heading-m">Cases</h2>
<ul class="govuk-list govuk-list--bullet">
  ${cases.map((e) => html`<li><a class="govuk-link" href="${casePath(e.source, e.streamId)}">${SOURCES[e.source] ?? e.source} ${e.streamId}</a></li>`)}
</ul>
<h2 class="govuk-heading-m">Timeline</h2>
${t.entries.length ? scrollTable("Timeline", html`
<table class="govuk-table" id="timeline">
  <caption class="govuk-table__caption govuk-table__caption--s">Every step across the services, in the order it happened</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Date</th>
    <th scope="col" class="govuk-table__header">What happened</th>
    <th scope="col" class="govuk-table__header">Case</th>
    <th scope="col" class="govuk-table__header">Officer</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${t.entries.map((e) => html`<tr class="govuk-table__row">
    <td class="govuk-table__cell">${long(e.occurredOn)}</td>
    <td class="govuk-table__cell">${e.line}</td>
    <td class="govuk-table__cell"><a class="govuk-link" href="${casePath(e.source, e.streamId)}">${e.streamId}</a></td>
    <td class="govuk-table__cell">${e.officerId}</td></tr>`)}
  </tbody>
</table>`) : html`<p class="govuk-body">Nothing recorded for this child.</p>`}
${t.nextPageToken ? html`<p class="govuk-body">The first 1,000 steps are shown.</p>` : ""}
${downloadButton("timeline", "Download the timeline (CSV)")}`,
  };
}

// A value the contract does not know, or one not given.
const NOT_RECORDED = "Not recorded";

const STATUS: Record<number, [string, string]> = {
  [ClockStatus.OPEN]: ["Open", "govuk-tag--blue"],
  [ClockStatus.MET]: ["Met", "govuk-tag--green"],
  [ClockStatus.MISSED]: ["Missed", "govuk-tag--red"],
  [ClockStatus.CANCELLED]: ["Stopped", "govuk-tag--grey"],
  [ClockStatus.UNSPECIFIED]: [NOT_RECORDED, "govuk-tag--grey"],
};

function stateOf(c: Clock): [string, string] {
  return STATUS[c.status] ?? [NOT_RECORDED, "govuk-tag--grey"];
}

function clockLine(c: Clock, asOf: Ymd): string {
  const due = long(c.dueOn) || NOT_RECORDED;
  const late = overdueDays(c.dueOn, asOf);
  switch (c.status) {
    case ClockStatus.OPEN: return late ? `Was due by ${due}: ${late} day${late === 1 ? "" : "s"} ago.` : `Due by ${due}.`;
    case ClockStatus.MET: return `Done on ${long(c.closedOn)}, due by ${due}.`;
    case ClockStatus.MISSED: return `Done on ${long(c.closedOn) || "(not yet)"}, late: it was due by ${due}.`;
    case ClockStatus.CANCELLED: return `No longer running since ${long(c.closedOn)} (it was due by ${due}).`;
    default: return `Due by ${due}.`;
  }
}


// The case's own facts, read off its message by reflection (no list of
// fields here to fall behind the contract): dates, words and states.
function facts(schema: DescMessage, message: Message): Html {
  const rows: Html[] = [];
  const m = message as unknown as Record<string, unknown>;
  for (const f of schema.fields) {
    const v = m[f.localName];
    let text = "";
    if (v === undefined || v === null) continue;  // not given
    if (f.fieldKind === "scalar") {
      if (v === "" || v === 0n || v === false || f.localName === "version") continue;
      if (v === 0 && !f.proto.proto3Optional) continue;
      text = v === true ? "Yes" : String(v);
    } else if (f.fieldKind === "enum") {
      if (v === 0) continue;
      const value = f.enum.values.find((x) => x.number === v);
      const prefix = f.enum.values[0].name.replace(/UNSPECIFIED$/, "");
      text = !value ? NOT_RECORDED : words(value.name.startsWith(prefix) ? value.name.slice(prefix.length) : value.name);
    } else if (f.fieldKind === "message" && f.message.typeName === "casework.v1.Date") {
      text = long(v as Ymd);
      if (!text) continue;
    } else if (f.fieldKind === "list" && f.localName !== "clocks" && f.localName !== "allowedActions") {
      const n = (v as unknown[]).length;
      if (!n) continue;
      text = `${n} recorded`;
    } else {
      continue;
    }
    rows.push(html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${label(f)}</dt><dd class="govuk-summary-list__value">${text}</dd></div>`);
  }
  return html`<dl class="govuk-summary-list">${rows}</dl>`;
}

// An enum value in words ("PFA_EMPLOYMENT" -> "PfA employment").
function enumWords(names: Record<number, string>, v: number): string {
  return v ? words(names[v] ?? "") : "";
}

// A plan's outcomes with the progress its last review recorded, and its
// quality audits with their findings and actions.
function planDetails(plan: Plan): Html {
  const progress = new Map(plan.outcomeReviews.map((r) => [r.outcomeId, r.progress]));
  const outcomes = plan.contents?.outcomes ?? [];
  return html`
<h2 class="govuk-heading-m">Outcomes</h2>
${outcomes.length ? scrollTable("Outcomes", html`
<table class="govuk-table" id="outcomes">
  <caption class="govuk-table__caption govuk-table__caption--s">Section E, with the progress the last review recorded${plan.outcomesReviewedOn ? ` (${long(plan.outcomesReviewedOn)})` : ""}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Outcome</th>
    <th scope="col" class="govuk-table__header">Area</th>
    <th scope="col" class="govuk-table__header">Target</th>
    <th scope="col" class="govuk-table__header">Progress</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${outcomes.map((o) => html`<tr class="govuk-table__row" data-outcome="${o.outcomeId}">
    <td class="govuk-table__cell">${o.outcomeId}${o.wording ? html`<br><span class="govuk-body-s">${o.wording}</span>` : ""}</td>
    <td class="govuk-table__cell">${enumWords(OutcomeArea, o.area)}</td>
    <td class="govuk-table__cell">${long(o.targetDate)}</td>
    <td class="govuk-table__cell">${progress.has(o.outcomeId) ? enumWords(OutcomeProgress, progress.get(o.outcomeId)!) : "Not yet reviewed"}</td>
  </tr>`)}
  </tbody>
</table>`) : html`<p class="govuk-body">No outcomes recorded.</p>`}
${schoolSection(plan)}
${auditsSection("Quality audits", plan.audits)}`;
}

// The child's suspensions, exclusions and termly attendance the back office
// reported while the plan was active.
function schoolSection(plan: Plan): Html {
  const rows = plan.schoolEvents.map((r) => {
    const e = r.event;
    if (e.case === "suspension") {
      return { id: r.recordId, what: "Suspension", when: long(e.value.startOn), detail: `${e.value.sessions} session${e.value.sessions === 1 ? "" : "s"} (half days)` };
    }
    if (e.case === "permanentExclusion") {
      return { id: r.recordId, what: "Permanent exclusion", when: long(e.value.effectiveOn), detail: "" };
    }
    if (e.case === "attendance") {
      const a = e.value;
      const pct = a.sessionsPossible ? (100 * a.sessionsAttended) / a.sessionsPossible : 0;
      const absent = 10 * (a.sessionsPossible - a.sessionsAttended) >= a.sessionsPossible;
      return { id: r.recordId, what: "Attendance", when: `${a.academicYear}/${String((a.academicYear + 1) % 100).padStart(2, "0")} ${enumWords(SchoolTerm, a.term).toLowerCase()} term`, detail: `${a.sessionsAttended} of ${a.sessionsPossible} sessions (${pct.toFixed(1)}%)${absent ? ", persistently absent" : ""}` };
    }
    return { id: r.recordId, what: "", when: "", detail: "" };
  });
  return html`<div id="school-events">
<h2 class="govuk-heading-m">Exclusions and attendance</h2>
${rows.length ? scrollTable("Exclusions and attendance", html`<table class="govuk-table">
  <caption class="govuk-table__caption govuk-table__caption--s">Reported by the school through the back office</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">What</th>
    <th scope="col" class="govuk-table__header">When</th>
    <th scope="col" class="govuk-table__header">Details</th>
  </tr></thead>
  <tbody class="govuk-table__body">${rows.map((r) => html`<tr class="govuk-table__row" data-record="${r.id}">
    <td class="govuk-table__cell">${r.what}</td><td class="govuk-table__cell">${r.when}</td><td class="govuk-table__cell">${r.detail}</td>
  </tr>`)}</tbody>
</table>`) : html`<p class="govuk-body">None reported.</p>`}
</div>`;
}

// Quality audits with their findings and actions (a plan's; a draft plan's
// and advice's in an assessment).
function auditsSection(heading: string, audits: Plan["audits"], id = "audits"): Html {
  return html`<div id="${id}">
<h2 class="govuk-heading-m">${heading}</h2>
${audits.length ? audits.map((a) => html`
<div class="app-audit" data-audit="${a.auditId}">
<h3 class="govuk-heading-s">${enumWords(AuditKind, a.kind)} audit of ${a.adviceId ? html`advice ${a.adviceId}` : html`the ${enumWords(AuditedPlan, a.auditedPlan).toLowerCase()} plan of ${long(a.planIssuedOn)}`}: ${a.grade ? enumWords(AuditGrade, a.grade) : "not graded"}</h3>
<p class="govuk-body-s">Audited on ${long(a.auditedOn)} by ${a.auditorId} (${a.framework})</p>
${scrollTable(`Findings of audit ${a.auditId}`, html`<table class="govuk-table">
  <caption class="govuk-table__caption govuk-table__caption--s">Findings of audit ${a.auditId}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Criterion</th><th scope="col" class="govuk-table__header">Finding</th></tr></thead>
  <tbody class="govuk-table__body">${a.findings.map((f) => html`<tr class="govuk-table__row"><td class="govuk-table__cell">${f.criterion}</td><td class="govuk-table__cell">${enumWords(CriterionResult, f.result)}</td></tr>`)}</tbody>
</table>`)}
${a.actions.length ? html`<ul class="govuk-list govuk-list--bullet">${a.actions.map((x) => html`<li>Action ${x.actionId}${x.section ? ` (section ${x.section})` : ""}: ${x.description} - due ${long(x.dueOn)}${x.completedOn ? `, done ${long(x.completedOn)}` : ""}</li>`)}</ul>` : ""}
</div>`) : html`<p class="govuk-body">Not audited.</p>`}
</div>`;
}

// An assessment's audits: of its draft plan and of its advice.
function assessmentAudits(a: { draftAudits: Plan["audits"]; adviceAudits: Plan["audits"] }): Html {
  return html`${auditsSection("Audits of the draft plan", a.draftAudits, "draft-audits")}
${auditsSection("Audits of advice", a.adviceAudits, "advice-audits")}`;
}

export interface LoadedCase {
  schema: DescMessage;
  message: Message & { clocks: Clock[]; childId: string; officerId: string; version: bigint; allowedActions: string[] };
  kind: string;
}

export async function loadCase(api: Api, source: string, streamId: string): Promise<LoadedCase> {
  let schema: DescMessage;
  let message: LoadedCase["message"];
  switch (source) {
    case "ehc-assessments":
      schema = AssessmentSchema;
      message = await api.ehc.getAssessment({ assessmentId: streamId });
      break;
    case "annual-reviews":
      schema = PlanSchema;
      message = await api.reviews.getPlan({ planId: streamId });
      break;
    case "transport":
      schema = TransportApplicationSchema;
      message = await api.transport.getApplication({ applicationId: streamId });
      break;
    case "complaints":
      try {
        schema = ComplaintSchema;
        message = await api.complaints.getComplaint({ complaintId: streamId });
      } catch (e) {
        if (!(e instanceof ConnectError) || e.code !== Code.NotFound) throw e;
        try {
          schema = DisagreementSchema;
          message = await api.complaints.getDisagreement({ disagreementId: streamId });
        } catch (e2) {
          if (!(e2 instanceof ConnectError) || e2.code !== Code.NotFound) throw e2;
          schema = FeedbackSchema;
          message = await api.complaints.getFeedback({ feedbackId: streamId }) as unknown as LoadedCase["message"];
        }
      }
      break;
    default:
      throw new ConnectError(`source: '${source}' is not a casework service`, Code.NotFound);
  }
  const kind = schema === FeedbackSchema ? "Feedback" : schema === DisagreementSchema ? "Disagreement" : schema === ComplaintSchema ? "Complaint" : SOURCES[source];
  return { schema, message, kind };
}

// The steps of a case a role may take: the QA role (alone) audits, and
// takes no other step.
const QA_STEPS = ["AuditPlan", "AuditAdvice", "AuditDraftPlan"];
export function stepsFor(roles: string[], allowed: string[]): string[] {
  const qaOnly = roles.includes("qa") && !roles.some((r) => ["officer", "manager", "integration"].includes(r));
  return qaOnly ? allowed.filter((a) => QA_STEPS.includes(a)) : allowed;
}

export async function casePage(api: Api, config: AppConfig, source: string, streamId: string, params: URLSearchParams, roles: string[] = []): Promise<{ title: string; body: Html }> {
  const { schema, message, kind } = await loadCase(api, source, streamId);
  const steps = stepsFor(roles, message.allowedActions);
  const clocks = message.clocks ?? [];
  const asOf = today();
  const done = params.get("done");
  const after = params.get("after") ?? "";
  offerCsv("clocks", `clocks-${streamId}.csv`, csv([
    ["clock", "rule", "name", "provision", "started_on", "due_on", "status", "closed_on", "exception"],
    ...clocks.map((c) => [c.clockId, c.rule, c.name, c.citation, iso(c.startedOn), iso(c.dueOn), c.status === ClockStatus.OPEN && overdueDays(c.dueOn, asOf) ? "Overdue" : stateOf(c)[0], iso(c.closedOn), c.exception ? "yes" : "no"]),
  ]));
  return {
    title: `${kind} ${streamId}`,
    body: html`
${done ? html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="done-title" data-module="govuk-notification-banner">
  <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="done-title">Success</h2></div>
  <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${words(done)}: recorded.</p>
  <p class="govuk-body"><a class="govuk-notification-banner__link" href="/worklist/${encodeURIComponent(message.officerId)}${after ? `?after=${encodeURIComponent(after)}` : ""}">See the worklist</a> with this step in it.</p></div>
</div>` : ""}
${caption(kind)}
<h1 class="govuk-heading-l">${streamId}</h1>
<p class="govuk-body">Child: ${childLinks(message.childId, config)}</p>
${facts(schema, message)}
${source === "annual-reviews" ? planDetails(message as unknown as Plan) : ""}
${source === "ehc-assessments" ? assessmentAudits(message as unknown as { draftAudits: Plan["audits"]; adviceAudits: Plan["audits"] }) : ""}
<h2 class="govuk-heading-m">Steps you can record now</h2>
${steps.length ? html`<ul class="govuk-list" id="actions">
  ${steps.map((a) => html`<li><a class="govuk-link" href="${casePath(source, streamId)}/do/${a}">${words(a)}</a></li>`)}
</ul>` : html`<p class="govuk-body">${message.allowedActions.length ? "None that your role takes." : "None: this case is closed."}</p>`}
<h2 class="govuk-heading-m">Clocks</h2>
${clocks.length ? scrollTable("Clocks", html`
<table class="govuk-table" id="clocks">
  <caption class="govuk-table__caption govuk-table__caption--s">Every statutory clock of this case, with the rule that sets it</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Clock</th>
    <th scope="col" class="govuk-table__header">The law</th>
    <th scope="col" class="govuk-table__header">Started</th>
    <th scope="col" class="govuk-table__header">Due</th>
    <th scope="col" class="govuk-table__header">State</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${clocks.map((c) => html`<tr class="govuk-table__row" data-rule="${c.rule}">
    <td class="govuk-table__cell">${c.name}<br><span class="govuk-body-s">${c.rule}</span></td>
    <td class="govuk-table__cell">${c.citation}</td>
    <td class="govuk-table__cell">${long(c.startedOn)}</td>
    <td class="govuk-table__cell">${long(c.dueOn)}</td>
    <td class="govuk-table__cell">${c.status === ClockStatus.OPEN ? openClockTag(overdueDays(c.dueOn, asOf)) : html`<strong class="govuk-tag ${stateOf(c)[1]}">${stateOf(c)[0]}</strong>`}${c.exception ? html` <strong class="govuk-tag govuk-tag--grey">Exception applies</strong>` : ""}<br><span class="govuk-body-s">${clockLine(c, asOf)}</span></td>
  </tr>`)}
  </tbody>
</table>`) : html`<p class="govuk-body">No clocks.</p>`}
${downloadButton("clocks", "Download the clocks (CSV)")}`,
  };
}
