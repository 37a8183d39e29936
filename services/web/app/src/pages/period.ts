// The period picker of the dashboards: a GET form, so the page's address
// always says what it shows (and can be shared or bookmarked).
import { html, type Html } from "../html";
import { iso, type Period, type FieldError } from "../dates";
import { AREAS } from "../measures";

export function periodForm(p: Period | undefined, params: URLSearchParams, errors: FieldError[],
                           options: { area?: boolean; keep?: string[] } = {}): Html {
  const kind = p?.kind ?? params.get("period") ?? "12months";
  const err = (field: string) => errors.find((e) => e.field === field);
  const radio = (value: string, label: string) => html`
    <div class="govuk-radios__item">
      <input class="govuk-radios__input" id="period-${value}" name="period" type="radio" value="${value}"${kind === value ? html` checked` : ""}>
      <label class="govuk-label govuk-radios__label" for="period-${value}">${label}</label>
    </div>`;
  const dateField = (field: string, label: string, value: string, hint: string) => {
    const e = err(field);
    return html`
    <div class="govuk-form-group${e ? " govuk-form-group--error" : ""} app-inline-field">
      <label class="govuk-label" for="${field}">${label}</label>
      <div class="govuk-hint" id="${field}-hint">${hint}</div>
      ${e ? html`<p class="govuk-error-message" id="${field}-error"><span class="govuk-visually-hidden">Error:</span> ${e.message}</p>` : ""}
      <input class="govuk-input govuk-input--width-10${e ? " govuk-input--error" : ""}" id="${field}" name="${field}" type="date" value="${value}" aria-describedby="${field}-hint${e ? ` ${field}-error` : ""}">
    </div>`;
  };
  return html`
<form method="get" class="app-period" novalidate>
  ${(options.keep ?? []).map((k) => params.get(k) ? html`<input type="hidden" name="${k}" value="${params.get(k)}">` : "")}
  <div class="govuk-form-group${err("period") ? " govuk-form-group--error" : ""}">
    <fieldset class="govuk-fieldset">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Period</legend>
      <div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">
        ${radio("month", "This month")}
        ${radio("quarter", "This quarter")}
        ${radio("12months", "Last 12 months")}
        ${radio("custom", "Dates I choose")}
      </div>
    </fieldset>
  </div>
  ${dateField("from", "From (for dates you choose)", params.get("from") ?? (p ? iso(p.from) : ""), "First day, for example 2026-04-01")}
  ${dateField("to", "To (for dates you choose)", params.get("to") ?? (p ? iso(p.to) : ""), "Last day, for example 2027-03-31")}
  ${dateField("asOf", "Caseloads and backlogs as on", params.get("asOf") ?? (p ? iso(p.asOf) : ""), "Default: the end of the period")}
  ${options.area ? html`
  <div class="govuk-form-group app-inline-field">
    <label class="govuk-label" for="area">Measures</label>
    <select class="govuk-select" id="area" name="area">
      ${AREAS.map((a) => html`<option value="${a.id}"${params.get("area") === a.id ? html` selected` : ""}>${a.name}</option>`)}
    </select>
  </div>` : ""}
  <div class="govuk-button-group"><button type="submit" class="govuk-button" data-module="govuk-button">Show figures</button></div>
</form>`;
}
