// casework.v1.Date <-> ISO days, and the periods of the dashboards.
export interface Ymd {
  year: number;
  month: number;
  day: number;
}

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

export function iso(d: Ymd | undefined): string {
  if (!d || !d.year) return "";
  return `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

// "3 March 2026", as GOV.UK writes dates.
export function long(d: Ymd | undefined): string {
  if (!d || !d.year) return "";
  return `${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
}

export function monthName(year: number, month: number): string {
  return `${MONTHS[month - 1]} ${year}`;
}

export function parseIso(text: string | null | undefined): Ymd | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
  if (!m) return undefined;
  const d = { year: +m[1], month: +m[2], day: +m[3] };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (check.getUTCFullYear() !== d.year || check.getUTCMonth() !== d.month - 1 ||
      check.getUTCDate() !== d.day) {
    return undefined;
  }
  return d;
}

export function today(): Ymd {
  const now = new Date();
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

function fromUtc(t: Date): Ymd {
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function addDays(d: Ymd, days: number): Ymd {
  return fromUtc(new Date(Date.UTC(d.year, d.month - 1, d.day + days)));
}

// Days from `a` to `b` (negative when b is earlier).
export function daysBetween(a: Ymd, b: Ymd): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86400000);
}

// The one rule of every page: an open clock is overdue on `asOf` when its due
// date is before it, by the days between (as the projection's worklist
// counts them). 0 when not overdue or not known.
export function overdueDays(dueOn: Ymd | undefined, asOf: Ymd): number {
  if (!dueOn || !dueOn.year) return 0;
  return Math.max(0, daysBetween(dueOn, asOf));
}

export function compare(a: Ymd, b: Ymd): number {
  return iso(a) < iso(b) ? -1 : iso(a) > iso(b) ? 1 : 0;
}

export type PeriodKind = "month" | "quarter" | "12months" | "custom";

export interface Period {
  kind: PeriodKind;
  from: Ymd;
  to: Ymd;
  asOf: Ymd;
}

// The period a dashboard shows, from its query string: this month, this
// quarter (calendar), the last 12 months (the default), or from/to; the
// figures on a date are "as on" asOf (default: the period's end).
export function periodFrom(params: URLSearchParams): { period?: Period; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const kind = (params.get("period") || "12months") as PeriodKind;
  if (!["month", "quarter", "12months", "custom"].includes(kind)) {
    errors.push({ field: "period", message: "Choose a period" });
  }
  const asOfText = params.get("asOf");
  const asOf = asOfText ? parseIso(asOfText) : today();
  if (!asOf) errors.push({ field: "asOf", message: "Enter the 'as on' date as a real date, for example 2026-03-31" });
  let from: Ymd | undefined;
  let to: Ymd | undefined = asOf;
  if (asOf) {
    if (kind === "month") from = { year: asOf.year, month: asOf.month, day: 1 };
    if (kind === "quarter") {
      from = { year: asOf.year, month: Math.floor((asOf.month - 1) / 3) * 3 + 1, day: 1 };
    }
    if (kind === "12months") {
      from = addDays({ year: asOf.year - 1, month: asOf.month, day: asOf.day }, 1);
      if (asOf.month === 2 && asOf.day === 29) from = { year: asOf.year - 1, month: 3, day: 1 };
    }
  }
  if (kind === "custom") {
    from = parseIso(params.get("from"));
    to = parseIso(params.get("to"));
    if (!from) errors.push({ field: "from", message: "Enter the first day of the period as a real date" });
    if (!to) errors.push({ field: "to", message: "Enter the last day of the period as a real date" });
    if (from && to && compare(from, to) > 0) {
      errors.push({ field: "to", message: "The last day of the period must be on or after the first" });
    }
  }
  if (errors.length || !from || !to || !asOf) return { errors };
  return { period: { kind, from, to, asOf: asOfText || kind !== "custom" ? asOf : to }, errors };
}

// A period as the pages' query parameters.
export function periodParams(p: Period): Record<string, string> {
  return { period: p.kind, from: iso(p.from), to: iso(p.to), asOf: iso(p.asOf) };
}

export interface FieldError {
  field: string;
  message: string;
}
