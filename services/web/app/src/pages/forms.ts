// The steps officers record: one GOV.UK form per command, built from the
// command's own message in the contract (proto/), so every command of the
// four services has a page and no field is left out or invented here. The
// services decide: a form offers the steps the case's allowed_actions name,
// sends the case version it was built on, and shows the service's refusal
// on the field it names.
import { fromJson, toJson, type Message, type DescField, type DescMessage, type DescMethod, type DescService, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { html, query, raw, type Html } from "../html";
import type { Who } from "../auth";
import { problemOf } from "../api";
import { AnnualReviewService } from "../gen/casework/v1/annual_review_pb";
import { ComplaintsService } from "../gen/casework/v1/complaints_pb";
import { EhcAssessmentService } from "../gen/casework/v1/ehc_assessment_pb";
import { TransportService } from "../gen/casework/v1/transport_pb";
import type { CommandResult } from "../gen/casework/v1/common_pb";
import { caption, errorSummary } from "../ui";

export const SERVICES: Record<string, DescService> = {
  "ehc-assessments": EhcAssessmentService,
  "annual-reviews": AnnualReviewService,
  transport: TransportService,
  complaints: ComplaintsService,
};

// The id field of a case of each kind, in its commands.
const CASE_ID_FIELDS = ["assessment_id", "plan_id", "application_id", "complaint_id", "disagreement_id", "feedback_id"];

// The commands that start a case, by the address of their page.
export const NEW_CASES: Record<string, { source: string; method: string; title: string }> = {
  "ehc-request": { source: "ehc-assessments", method: "RecordRequest", title: "A new EHC needs assessment request" },
  plan: { source: "annual-reviews", method: "RegisterPlan", title: "Register an EHC plan (or a transfer in)" },
  travel: { source: "transport", method: "SubmitApplication", title: "A new home-to-school travel application" },
  complaint: { source: "complaints", method: "LogComplaint", title: "Log a complaint" },
  disagreement: { source: "complaints", method: "RecordDisagreement", title: "Record a disagreement (mediation or appeal)" },
  feedback: { source: "complaints", method: "RecordFeedback", title: "Record a compliment, comment or survey response" },
  survey: { source: "complaints", method: "RecordSurveySent", title: "Record a survey sent to a family" },
};

// Every command of the four services (what returns a CommandResult).
export function commands(): { source: string; method: DescMethod }[] {
  const out: { source: string; method: DescMethod }[] = [];
  for (const [source, service] of Object.entries(SERVICES)) {
    for (const m of service.methods) {
      if (m.output.typeName === "casework.v1.CommandResult") out.push({ source, method: m });
    }
  }
  return out;
}

export function findQuery(source: string, name: string): DescMethod | undefined {
  return SERVICES[source]?.methods.find((m) => m.name === name);
}

export function findCommand(source: string, name: string): DescMethod | undefined {
  return SERVICES[source]?.methods.find((m) => m.name === name && m.output.typeName === "casework.v1.CommandResult");
}

// Abbreviations said as letters, kept in capitals.
const ACRONYMS: Record<string, string> = {
  ehc: "EHC", sen: "SEN", sen2: "SEN2", send: "SEND", la: "LA", ep: "EP", upn: "UPN",
  urn: "URN", ukprn: "UKPRN", rya: "RYA", eotas: "EOTAS", neet: "NEET", camhs: "CAMHS",
  pfa: "PfA", csc: "CSC", lgsco: "LGSCO", nhs: "NHS", gp: "GP", id: "ID",
};

// "DecideToAssess" -> "Decide to assess"; "received_on" -> "Received on";
// "EHC_FINAL_PLAN" -> "EHC final plan".
export function words(name: string): string {
  const s = name.replace(/_/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/\s+/g, " ").trim().toLowerCase()
    .split(" ").map((w) => ACRONYMS[w] ?? w).join(" ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const LABELS: Record<string, string> = {
  child_id: "Child's id",
  officer_id: "Officer (their id)",
  received_on: "Date received",
  decided_on: "Date decided",
  issued_on: "Date issued",
  requested_on: "Date requested",
  starts_on: "Starts on",
  ends_on: "Ends on",
  on: "Date",
  rya: "RYA (the SEN2 flag on the request)",
  nc_year: "National curriculum year",
  nc_year_as_of: "National curriculum year as of",
  dob: "Date of birth",
  date_of_birth: "Date of birth",
  findings: "Findings against the LA's quality assurance framework",
  auditor_id: "Auditor (their id)",
  actions: "Actions for the plan's officer",
  section: "Plan section (A to K)",
  description: "What to do",
  sample_id: "Name of the sample",
  issued_from: "Plans last issued from",
  issued_to: "Plans last issued to",
  percent: "Rate (percent of the plans)",
  team_id: "Team (its id)",
};

// Hints for fields whose name does not say enough.
const HINTS: Record<string, string> = {
  assessment_id: "Optional: leave it blank and the service makes one",
  plan_id: "A re-assessment names the plan it re-assesses",
  application_id: "Optional: leave it blank and the service makes one",
  complaint_id: "Optional: leave it blank and the service makes one",
  disagreement_id: "Optional: leave it blank and the service makes one",
  feedback_id: "Optional: leave it blank and the service makes one",
  score: "For a survey with a score: 1 (very dissatisfied) to 5 (very satisfied); 0 when it has none",
  process: "The service of the case: ehc-assessments, annual-reviews, transport or complaints",
  text: "What was said. It is kept with the feedback, never in events or figures",
  advice_id: "Optional when asking for advice: leave it blank and the service makes one",
  audit_id: "Optional: leave it blank and the service makes one",
  auditor_id: "Leave it blank: you are the auditor",
  action_id: "A short id of your choosing, for example F1",
  sample_id: "For example 2026-11-north. It seeds the draw: the same name draws the same plans. Leave it blank and the service makes one",
  percent: "Leave it at 0 for the rate of the LA's quality assurance framework",
  team_id: "Optional: sample the plans of one team's officers. Leave it blank for the whole LA",
};

export function label(f: DescField): string {
  return LABELS[f.name] ?? words(f.name);
}

function enumOptions(f: DescField) {
  const e = f.fieldKind === "enum" ? f.enum : f.fieldKind === "list" && f.listKind === "enum" ? f.enum : undefined;
  if (!e) return [];
  const prefix = e.values[0].name.replace(/UNSPECIFIED$/, "");
  return e.values.filter((v) => v.number !== 0).map((v) => ({
    name: v.name,
    text: words(v.name.startsWith(prefix) ? v.name.slice(prefix.length) : v.name),
  }));
}

export interface Choice {
  value: string;
  text: string;
}

// A list answered row by row: one entry per item the case or the LA's
// configuration names (the framework's criteria, the plan's outcomes), its
// `key` field fixed and its one choice field asked as radios.
export interface Rows {
  key: string;
  items: (Choice & { hint?: string })[];
}

interface RenderContext {
  choices: Record<string, Choice[]>;  // string fields chosen from the case's own
  rows: Record<string, Rows>;         // list fields answered row by row
  hidden: Set<string>;             // paths not shown (request id, case id)
  values: Record<string, string>;  // prefilled values by path
  errors: Map<string, string>;     // messages by path
}

function fieldError(ctx: RenderContext, path: string): Html {
  const e = ctx.errors.get(path);
  return e ? html`<p class="govuk-error-message" id="${path}-error"><span class="govuk-visually-hidden">Error:</span> ${e}</p>` : html``;
}

function group(ctx: RenderContext, path: string, body: Html): Html {
  return html`<div class="govuk-form-group${ctx.errors.has(path) ? " govuk-form-group--error" : ""}">${body}</div>`;
}

function dateInput(ctx: RenderContext, path: string, text: string): Html {
  const [y, m, d] = (ctx.values[path] ?? "").split("-");
  const part = (name: string, suffix: string, value: string | undefined, width: number, first = false) => html`
    <div class="govuk-date-input__item"><div class="govuk-form-group">
      <label class="govuk-label govuk-date-input__label" for="${first ? path : `${path}-${suffix}`}">${name}</label>
      <input class="govuk-input govuk-date-input__input govuk-input--width-${width}${ctx.errors.has(path) ? " govuk-input--error" : ""}" id="${first ? path : `${path}-${suffix}`}" name="${path}-${suffix}" type="text" inputmode="numeric" value="${value ?? ""}">
    </div></div>`;
  return group(ctx, path, html`
    <fieldset class="govuk-fieldset" role="group" aria-describedby="${path}-hint${ctx.errors.has(path) ? ` ${path}-error` : ""}">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${text}</legend>
      <div class="govuk-hint" id="${path}-hint">For example, 27 3 2026</div>
      ${fieldError(ctx, path)}
      <div class="govuk-date-input">
        ${part("Day", "day", d ? String(+d) : "", 2, true)}
        ${part("Month", "month", m ? String(+m) : "", 2)}
        ${part("Year", "year", y, 4)}
      </div>
    </fieldset>`);
}

// One choice of several (an enum's values, or ids the case holds).
function radios(ctx: RenderContext, path: string, text: string, options: Choice[], hint?: string): Html {
  const chosen = ctx.values[path] ?? "";
  const ids = [hint ? `${path}-hint` : "", ctx.errors.has(path) ? `${path}-error` : ""].filter(Boolean).join(" ");
  const described = ids ? html` aria-describedby="${ids}"` : "";
  return group(ctx, path, html`
    <fieldset class="govuk-fieldset"${described}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${text}</legend>
      ${hint ? html`<div class="govuk-hint" id="${path}-hint">${hint}</div>` : ""}
      ${fieldError(ctx, path)}
      <div class="govuk-radios govuk-radios--small" data-module="govuk-radios" id="${path}">
        ${options.map((o, i) => html`<div class="govuk-radios__item">
          <input class="govuk-radios__input" id="${i === 0 ? `${path}-first` : `${path}-${i}`}" name="${path}" type="radio" value="${o.value}"${chosen === o.value ? raw(" checked") : ""}>
          <label class="govuk-label govuk-radios__label" for="${i === 0 ? `${path}-first` : `${path}-${i}`}">${o.text}</label></div>`)}
      </div>
    </fieldset>`);
}

function renderFields(ctx: RenderContext, message: DescMessage, prefix: string, depth: number): Html[] {
  const out: Html[] = [];
  for (const f of message.fields) {
    const path = prefix + f.name;
    if (ctx.hidden.has(path)) continue;
    const text = label(f);
    if (f.fieldKind === "message" && f.message.typeName === "casework.v1.Date") {
      out.push(dateInput(ctx, path, text));
    } else if (f.fieldKind === "message") {
      if (depth >= 3) continue;
      out.push(html`<fieldset class="govuk-fieldset app-nested" id="${path}"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${text}</legend>${fieldError(ctx, path)}${renderFields(ctx, f.message, `${path}.`, depth + 1)}</fieldset>`);
    } else if (f.fieldKind === "enum") {
      out.push(radios(ctx, path, text, enumOptions(f).map((o) => ({ value: o.name, text: o.text }))));
    } else if (f.fieldKind === "scalar" && ctx.choices[path]?.length) {
      out.push(radios(ctx, path, text, ctx.choices[path]));
    } else if (f.fieldKind === "scalar" && f.scalar === 8 /* bool */) {
      out.push(group(ctx, path, html`
        <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
          ${fieldError(ctx, path)}
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="${path}" name="${path}" type="checkbox" value="true"${ctx.values[path] === "true" ? raw(" checked") : ""}>
            <label class="govuk-label govuk-checkboxes__label" for="${path}">${text}</label>
          </div>
        </div>`));
    } else if (f.fieldKind === "scalar") {
      const numeric = f.scalar !== 9 /* string */ && f.scalar !== 12 /* bytes */;
      const long = f.name === "note" || f.name === "reason" || f.name.endsWith("_text") || f.name === "summary";
      const hint = HINTS[f.name];
      const ids = [hint ? `${path}-hint` : "", ctx.errors.has(path) ? `${path}-error` : ""].filter(Boolean).join(" ");
      const describedBy = ids ? html` aria-describedby="${ids}"` : "";
      out.push(group(ctx, path, html`
        <label class="govuk-label" for="${path}">${text}</label>
        ${hint ? html`<div class="govuk-hint" id="${path}-hint">${hint}</div>` : ""}
        ${fieldError(ctx, path)}
        ${long
          ? html`<textarea class="govuk-textarea${ctx.errors.has(path) ? " govuk-textarea--error" : ""}" id="${path}" name="${path}" rows="3"${describedBy}>${ctx.values[path] ?? ""}</textarea>`
          : html`<input class="govuk-input${numeric ? " govuk-input--width-5" : ""}${ctx.errors.has(path) ? " govuk-input--error" : ""}" id="${path}" name="${path}" type="text"${numeric ? raw(' inputmode="decimal"') : ""} value="${ctx.values[path] ?? ""}"${describedBy}>`}`));
    } else if (f.fieldKind === "list" && f.listKind === "enum") {
      out.push(group(ctx, path, html`
        <fieldset class="govuk-fieldset" id="${path}">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${text}</legend>
          ${fieldError(ctx, path)}
          <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
            ${enumOptions(f).map((o) => html`<div class="govuk-checkboxes__item">
              <input class="govuk-checkboxes__input" id="${path}-${o.name}" name="${path}" type="checkbox" value="${o.name}">
              <label class="govuk-label govuk-checkboxes__label" for="${path}-${o.name}">${o.text}</label></div>`)}
          </div>
        </fieldset>`));
    } else if (f.fieldKind === "list" && f.listKind === "scalar") {
      out.push(group(ctx, path, html`
        <label class="govuk-label" for="${path}">${text}</label>
        <div class="govuk-hint" id="${path}-hint">Separate several with commas</div>
        ${fieldError(ctx, path)}
        <input class="govuk-input" id="${path}" name="${path}" type="text" aria-describedby="${path}-hint">`));
    } else if (f.fieldKind === "list" && f.listKind === "message" && ctx.rows[path]) {
      out.push(rowFields(ctx, f, path, text, ctx.rows[path]));
    } else if (f.fieldKind === "list" && f.listKind === "message" && depth < 2) {
      // Up to two entries (a plan names at most two of each).
      for (const n of [0, 1]) {
        out.push(html`<fieldset class="govuk-fieldset app-nested" id="${n === 0 ? path : `${path}.${n}`}"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${text} (${n + 1}${n === 1 ? ", if any" : ""})</legend>${n === 0 ? fieldError(ctx, path) : ""}${renderFields(ctx, f.message, `${path}.${n}.`, depth + 1)}</fieldset>`);
      }
    }
  }
  return out;
}

// One radio group per row, under a heading: the row's key travels in a
// hidden field; the message's one enum field is the question.
function rowFields(ctx: RenderContext, f: DescField, path: string, text: string, rows: Rows): Html {
  if (f.fieldKind !== "list" || f.listKind !== "message") return html``;
  const question = f.message.fields.find((x) => x.fieldKind === "enum");
  if (!question) return html``;
  const options = enumOptions(question).map((o) => ({ value: o.name, text: o.text }));
  return html`<div class="govuk-form-group${ctx.errors.has(path) ? " govuk-form-group--error" : ""}" id="${path}">
    <h2 class="govuk-heading-m">${text}</h2>
    ${fieldError(ctx, path)}
    ${rows.items.length ? rows.items.map((row, n) => html`
      <input type="hidden" name="${path}.${n}.${rows.key}" value="${row.value}">
      ${radios(ctx, `${path}.${n}.${question.name}`, row.text, options, row.hint)}`) : html`<p class="govuk-body">None to record.</p>`}
  </div>`;
}

// How many entries of a list the form's data holds (at least 2).
function entries(data: FormData, path: string): number {
  let n = 2;
  const prefix = `${path}.`;
  for (const key of data.keys()) {
    if (!key.startsWith(prefix)) continue;
    const i = Number.parseInt(key.slice(prefix.length), 10);
    if (Number.isInteger(i) && i + 1 > n) n = i + 1;
  }
  return Math.min(n, 100);
}

class FormError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

// The request as JSON from the form's values (the contract's JSON mapping).
function collect(data: FormData, message: DescMessage, prefix: string): JsonObject | undefined {
  const obj: JsonObject = {};
  let any = false;
  for (const f of message.fields) {
    const path = prefix + f.name;
    if (f.fieldKind === "message" && f.message.typeName === "casework.v1.Date") {
      const parts = ["day", "month", "year"].map((p) => String(data.get(`${path}-${p}`) ?? "").trim());
      const hidden = String(data.get(path) ?? "").trim();
      if (hidden) {
        const [year, month, day] = hidden.split("-").map(Number);
        obj[f.jsonName] = { year, month, day };
        any = true;
        continue;
      }
      if (parts.every((p) => p === "")) continue;
      if (parts.some((p) => !/^\d{1,4}$/.test(p))) {
        throw new FormError(path, `${label(f)} must be a real date, with the day, month and year in numbers`);
      }
      obj[f.jsonName] = { day: Number(parts[0]), month: Number(parts[1]), year: Number(parts[2]) };
      any = true;
    } else if (f.fieldKind === "message") {
      const inner = collect(data, f.message, `${path}.`);
      if (inner) { obj[f.jsonName] = inner; any = true; }
    } else if (f.fieldKind === "enum") {
      const v = data.get(path);
      if (v) { obj[f.jsonName] = String(v); any = true; }
    } else if (f.fieldKind === "scalar") {
      const v = String(data.get(path) ?? "").trim();
      if (f.scalar === 8) {
        if (v === "true") { obj[f.jsonName] = true; any = true; }
      } else if (v !== "") {
        if (f.scalar !== 9 && f.scalar !== 12) {
          if (!/^-?\d+(\.\d+)?$/.test(v)) throw new FormError(path, `${label(f)} must be a number`);
          obj[f.jsonName] = f.scalar === 1 || f.scalar === 2 ? Number(v) : /^-?\d+$/.test(v) ? v : Number(v);
        } else {
          obj[f.jsonName] = v;
        }
        any = true;
      }
    } else if (f.fieldKind === "list" && f.listKind === "enum") {
      const vs = data.getAll(path).map(String);
      if (vs.length) { obj[f.jsonName] = vs; any = true; }
    } else if (f.fieldKind === "list" && f.listKind === "scalar") {
      const vs = String(data.get(path) ?? "").split(",").map((x) => x.trim()).filter(Boolean);
      if (vs.length) { obj[f.jsonName] = vs; any = true; }
    } else if (f.fieldKind === "list" && f.listKind === "message") {
      const items: JsonValue[] = [];
      for (let n = 0; n < entries(data, path); n++) {
        const inner = collect(data, f.message, `${path}.${n}.`);
        if (inner) items.push(inner);
      }
      if (items.length) { obj[f.jsonName] = items; any = true; }
    }
  }
  return any ? obj : undefined;
}

// The request id of this form, kept in the page's history entry: a retry, a
// double click or the back button sends the same id, which the service
// records once.
function requestId(): string {
  const state = (history.state ?? {}) as { requestId?: string };
  if (state.requestId) return state.requestId;
  const id = crypto.randomUUID();
  history.replaceState({ ...state, requestId: id }, "");
  return id;
}

export interface FormSpec {
  source: string;
  method: DescMethod;
  title: string;
  captionText: string;
  caseId?: string;        // acting on a case
  version?: bigint;       // the case version the page shows
  values: Record<string, string>;
  choices?: Record<string, Choice[]>;
  rows?: Record<string, Rows>;
  omit?: string[];        // fields the service sets: not asked
  // A query answered as the officer types (the travel eligibility what-if):
  // the request built from the form's fields of the same names.
  whatIf?: { source: string; method: DescMethod; render: (answer: Record<string, unknown>) => Html };
  back: string;
  problem?: { message: string; field?: string; code: Code };
}

export function renderForm(spec: FormSpec): Html {
  const hidden = new Set(["request_id", ...(spec.omit ?? [])]);
  const values = { ...spec.values };
  if (spec.caseId) {
    for (const f of spec.method.input.fields) {
      if (CASE_ID_FIELDS.includes(f.name)) { hidden.add(f.name); values[f.name] = spec.caseId; }
    }
  }
  const errors = new Map<string, string>();
  if (spec.problem?.field) errors.set(spec.problem.field, spec.problem.message);
  const ctx: RenderContext = { hidden, values, errors, choices: spec.choices ?? {}, rows: spec.rows ?? {} };
  const summary = spec.problem
    ? errorSummary([{ field: spec.problem.field ?? "command-form", message: spec.problem.message }],
      spec.problem.code === Code.Aborted ? "Someone else changed this case" : "There is a problem")
    : html``;
  return html`
${summary}
${caption(spec.captionText)}
<h1 class="govuk-heading-l">${spec.title}</h1>
<form id="command-form" class="app-command" novalidate data-source="${spec.source}" data-method="${spec.method.name}" data-version="${spec.version ?? ""}">
  ${[...hidden].filter((h) => h !== "request_id" && !spec.omit?.includes(h)).map((h) => html`<input type="hidden" name="${h}" value="${values[h] ?? ""}">`)}
  ${renderFields(ctx, spec.method.input, "", 0)}
  ${spec.whatIf ? html`<div class="govuk-inset-text" id="what-if" aria-live="polite"><p class="govuk-body">${words(spec.whatIf.method.name)}: fill in the travel facts to see the outcome the law gives.</p></div>` : ""}
  <div class="govuk-button-group">
    <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">${words(spec.method.name)}</button>
    <a class="govuk-link" href="${spec.back}">Cancel</a>
  </div>
</form>`;
}

// Sends the form's command; on success goes to the case page (which reads the
// service directly: the new state at once), on a refusal shows it.
export function wireForm(root: HTMLElement, transport: Transport, spec: FormSpec,
                         rerender: (problem: FormSpec["problem"], values: Record<string, string>) => void,
                         done: (result: CommandResult) => void): void {
  const form = root.querySelector<HTMLFormElement>("#command-form");
  if (!form) return;
  const id = requestId();
  let sending = false;
  if (spec.whatIf) {
    const whatIf = spec.whatIf;
    const out = root.querySelector<HTMLElement>("#what-if");
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked = 0;
    const ask = async () => {
      const n = ++asked;
      try {
        const json = collect(new FormData(form), spec.method.input, "") ?? {};
        const request: JsonObject = {};
        for (const f of whatIf.method.input.fields) {
          if (json[f.jsonName] !== undefined) request[f.jsonName] = json[f.jsonName];
        }
        const client = createClient(SERVICES[whatIf.source], transport) as unknown as Record<string, (req: unknown) => Promise<Message>>;
        const answer = await client[whatIf.method.localName](fromJson(whatIf.method.input, request));
        const shown = toJson(whatIf.method.output, answer) as Record<string, unknown>;
        if (n === asked && out) out.innerHTML = whatIf.render(shown).text;
      } catch (err) {
        const message = err instanceof FormError ? err.message : problemOf(err).message;
        if (n === asked && out) out.innerHTML = html`<p class="govuk-body">Not enough to tell yet: ${message}</p>`.text;
      }
    };
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => void ask(), 300);
    });
    form.addEventListener("change", () => {
      clearTimeout(timer);
      timer = setTimeout(() => void ask(), 300);
    });
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (sending) return;  // a double click sends once (and the id would dedupe it)
    sending = true;
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]");
    if (button) button.disabled = true;
    const data = new FormData(form);
    const values: Record<string, string> = {};
    for (const [k, v] of data.entries()) values[k] = String(v);
    for (const f of spec.method.input.fields) {
      if (f.fieldKind === "message" && f.message.typeName === "casework.v1.Date") {
        const [d, m, y] = ["day", "month", "year"].map((p) => values[`${f.name}-${p}`] ?? "");
        if (y || m || d) values[f.name] = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
      }
    }
    try {
      const json = collect(data, spec.method.input, "") ?? {};
      json.requestId = id;
      const request = fromJson(spec.method.input, json);
      const client = createClient(SERVICES[spec.source], transport) as unknown as Record<string, (req: unknown, opts: unknown) => Promise<CommandResult>>;
      const headers: Record<string, string> = {};
      if (spec.version) headers["Casework-Expected-Version"] = String(spec.version);
      const result = await client[spec.method.localName](request, { headers });
      history.replaceState({}, "");
      done(result);
    } catch (err) {
      sending = false;
      if (button) button.disabled = false;
      if (err instanceof FormError) {
        rerender({ message: err.message, field: err.path, code: Code.InvalidArgument }, values);
        return;
      }
      const p = problemOf(err instanceof ConnectError ? err : new ConnectError(String(err), Code.InvalidArgument));
      rerender({ message: p.message, field: p.field, code: p.code }, values);
    }
  });
}

export function caseQuery(result: CommandResult, source: string, action: string): string {
  return query({ done: action, after: `${source}:${result.streamId}:${result.version}` });
}

export type { Who };
