// The pages of the steps: a step on a case (/case/SOURCE/STREAM/do/Action)
// and a new case (/new/KIND), each a form built from its command.
import { html, type Html } from "../html";
import type { Api } from "../api";
import type { Who } from "../auth";
import type { CommandResult } from "../gen/casework/v1/common_pb";
import { casePath } from "./exceptions";
import { loadCase } from "./cases";
import { caseQuery, findCommand, findQuery, NEW_CASES, renderForm, wireForm, words, type FormSpec } from "./forms";
import { iso, long, today, type Ymd } from "../dates";
import { OutcomeArea } from "../gen/casework/v1/common_pb";

export interface StepPage {
  title: string;
  body: Html;
  after?: (root: HTMLElement) => void;
}

export type Show = (page: StepPage) => void;

export function formPage(api: Api, spec: FormSpec, show: Show, done: (r: CommandResult) => void): StepPage {
  const page: StepPage = {
    title: spec.title,
    body: renderForm(spec),
    after: (root) => wireForm(root, api.connect, spec, (problem, values) => {
      show(formPage(api, { ...spec, problem, values }, show, done));
      const summary = document.querySelector<HTMLElement>(".govuk-error-summary");
      summary?.setAttribute("tabindex", "-1");
      summary?.focus();
    }, done),
  };
  return page;
}

interface PlanLike {
  contents?: { outcomes: { outcomeId: string; area: number; targetDate?: Ymd; wording: string }[] };
  audits?: { auditId: string; actions: { actionId: string; section: string; description: string; completedOn?: Ymd }[] }[];
}

// Steps asked row by row: an audit judges each criterion of the LA's QA
// framework; a review meeting each outcome of the plan.
async function askRowByRow(api: Api, action: string, plan: PlanLike, spec: FormSpec): Promise<void> {
  if (action === "AuditPlan" || action === "AuditDraftPlan") {
    const framework = await api.reviews.getQaFramework({});
    spec.rows = {
      findings: {
        key: "criterion",
        items: framework.planCriteria.map((c) => ({ value: c.criterion, text: c.label, hint: `${c.wording} (${c.source})` })),
      },
    };
    spec.omit = ["actions.0.due_on", "actions.0.completed_on", "actions.1.due_on", "actions.1.completed_on"];
  }
  if (action === "AuditAdvice") {
    const framework = await api.reviews.getQaFramework({});
    spec.rows = {
      findings: {
        key: "criterion",
        items: framework.adviceCriteria.map((c) => ({ value: c.criterion, text: c.label, hint: `${c.wording} (${c.source})` })),
      },
    };
  }
  if (action === "RecordMeetingHeld") {
    spec.rows = {
      outcomes: {
        key: "outcome_id",
        items: (plan.contents?.outcomes ?? []).map((o) => ({
          value: o.outcomeId,
          text: `${o.outcomeId}: ${words(OutcomeArea[o.area] ?? "")}${o.targetDate ? `, target ${long(o.targetDate)}` : ""}`,
          hint: o.wording || undefined,
        })),
      },
    };
  }
  if (action === "CompleteAuditAction") {
    const open = (plan.audits ?? []).flatMap((a) => a.actions.filter((x) => !x.completedOn).map((x) => ({ audit: a.auditId, action: x })));
    spec.choices = {
      ...spec.choices,
      audit_id: [...new Set(open.map((o) => o.audit))].map((id) => ({ value: id, text: id })),
      action_id: open.map((o) => ({ value: o.action.actionId, text: `${o.action.actionId}${o.action.section ? ` (section ${o.action.section})` : ""}: ${o.action.description}` })),
    };
  }
}

export async function stepPage(api: Api, source: string, streamId: string, action: string, show: Show): Promise<StepPage> {
  const method = findCommand(source, action);
  if (!method) {
    return { title: "No such step", body: html`<h1 class="govuk-heading-l">No such step</h1><p class="govuk-body">'${action}' is not a step of ${source}.</p>` };
  }
  const loaded = await loadCase(api, source, streamId);
  const back = casePath(source, streamId);
  const offered = loaded.message.allowedActions.includes(action);
  // Ids the case itself holds are chosen, not typed: its advice requests
  // (outstanding ones to record as received), its Tribunal orders.
  const m = loaded.message as unknown as {
    advice?: { adviceId: string; adviceType: number; adviser: string; receivedOn?: unknown }[];
    orders?: { orderId: string; kind: number }[];
  };
  const choices: Record<string, { value: string; text: string }[]> = {};
  if (m.advice?.length && method.input.fields.some((f) => f.name === "advice_id") && action !== "RequestAdvice") {
    choices.advice_id = m.advice
      .filter((a) => action !== "RecordAdviceReceived" || !a.receivedOn)
      .filter((a) => action !== "AuditAdvice" || a.receivedOn)
      .map((a) => ({ value: a.adviceId, text: `${a.adviser || "Advice"} (${a.adviceId})` }));
  }
  if (m.orders?.length && method.input.fields.some((f) => f.name === "order_id") && action !== "RecordTribunalOrder") {
    choices.order_id = m.orders.map((o) => ({ value: o.orderId, text: o.orderId }));
  }
  const spec: FormSpec = {
    source, method, title: words(action), captionText: `${loaded.kind} ${streamId}`,
    caseId: streamId, version: loaded.message.version, values: {}, choices, back,
  };
  await askRowByRow(api, action, loaded.message as unknown as PlanLike, spec);
  if (!offered) {
    spec.problem = { message: `${words(action)} is not a step this case allows now (${loaded.message.allowedActions.length ? `it allows: ${loaded.message.allowedActions.map(words).join(", ")}` : "it is closed"}).`, code: 9 };
  }
  return formPage(api, spec, show, (r) => {
    window.location.assign(`${back}${caseQuery(r, source, action)}`);
  });
}

export function newCasePage(api: Api, who: Who, kind: string, params: URLSearchParams, show: Show): StepPage {
  const entry = NEW_CASES[kind];
  const method = entry ? findCommand(entry.source, entry.method) : undefined;
  if (!entry || !method) {
    return { title: "Not found", body: html`<h1 class="govuk-heading-l">Page not found</h1>` };
  }
  const values: Record<string, string> = { officer_id: who.officerId };
  const child = params.get("child");
  if (child) values.child_id = child;
  for (const f of method.input.fields) {
    if (f.fieldKind === "message" && f.message.typeName === "casework.v1.Date" && /received_on|logged_on|issued_on/.test(f.name)) {
      values[f.name] = iso(today());
    }
  }
  const spec: FormSpec = {
    source: entry.source, method, title: entry.title, captionText: "A new case", values,
    back: child ? `/child/${encodeURIComponent(child)}` : "/",
  };
  if (kind === "travel") {
    const assess = findQuery("transport", "AssessEligibility");
    if (assess) {
      spec.whatIf = {
        source: "transport", method: assess,
        render: (a) => {
          const outcome = String(a.outcome ?? "").replace(/^ELIGIBILITY_OUTCOME_/, "").toLowerCase().replace(/_/g, " ");
          const grounds = (a.grounds as string[] | undefined) ?? [];
          return html`<p class="govuk-body" id="what-if-outcome"><strong>Outcome the law gives: ${outcome || "not known"}</strong>${grounds.length ? ` (${grounds.join(", ").replace(/_/g, " ")})` : ""}.</p>
            ${a.explanation ? html`<p class="govuk-body-s">${String(a.explanation)}</p>` : ""}`;
        },
      };
    }
  }
  return formPage(api, spec, show, (r) => {
    window.location.assign(`${casePath(entry.source, r.streamId)}${caseQuery(r, entry.source, entry.method)}`);
  });
}
