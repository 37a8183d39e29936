// The page shell and the GOV.UK Design System pieces the pages share.
import { Html, html, raw } from "./html";
import type { Who } from "./auth";
import type { FieldError } from "./dates";
import type { Problem } from "./api";
import { Rag } from "./gen/casework/v1/projection_pb";

export interface NavItem {
  href: string;
  text: string;
  current: boolean;
}

export function navFor(who: Who, path: string): NavItem[] {
  const items: NavItem[] = [];
  if (who.roles.includes("officer") || who.roles.includes("manager")) {
    items.push({ href: `/worklist/${encodeURIComponent(who.officerId)}`, text: "My worklist", current: path === `/worklist/${who.officerId}` });
    items.push({ href: `/officer/${encodeURIComponent(who.officerId)}`, text: "My scorecard", current: path === `/officer/${who.officerId}` });
  }
  if (who.roles.includes("manager")) {
    for (const team of who.teams) {
      items.push({ href: `/team/${encodeURIComponent(team)}`, text: who.teams.length > 1 ? `Team ${team}` : "Team dashboard", current: path === `/team/${team}` });
    }
  }
  if (who.roles.includes("head_of_service")) {
    items.push({ href: "/la", text: "LA overview", current: path === "/la" });
  } else if (who.roles.includes("qa")) {
    items.push({ href: "/la?area=quality", text: "Quality and outcomes", current: path === "/la" });
  }
  if (who.roles.includes("qa")) {
    if (!items.some((n) => n.href.startsWith("/worklist/"))) {
      items.push({ href: `/worklist/${encodeURIComponent(who.officerId)}`, text: "My worklist", current: path === `/worklist/${who.officerId}` });
    }
    items.push({ href: "/sample", text: "Dip sample", current: path === "/sample" });
  }
  const qaOnly = who.roles.includes("qa") && !who.roles.some((r) => ["officer", "manager", "head_of_service"].includes(r));
  if (items.length && !qaOnly) items.push({ href: "/trends", text: "Trends", current: path === "/trends" });
  return items;
}

// What a service behind the gateway holds, in words, for the page's warning.
const HOLDS: Record<string, string> = {
  "casework.v1.ProjectionService": "The worklists, timelines and scorecards",
  "casework.v1.ReturnsService": "The statutory returns",
};

export function shell(who: Who | null, path: string, title: string, body: Html, behind: string[] = []): Html {
  const nav = who ? navFor(who, path) : [];
  const warning = behind.length ? html`
<div class="govuk-warning-text" id="service-behind">
  <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
  <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>
  ${behind.map((s) => HOLDS[s] ?? "Some figures").join(" and ")} on this page may be behind: the service is catching up or not ready. What you record is kept; look again shortly.</strong>
</div>` : "";
  return html`
<section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
  <div class="govuk-width-container">
    <div class="govuk-service-navigation__container">
      <span class="govuk-service-navigation__service-name"><a href="/" class="govuk-service-navigation__link">casework</a></span>
      ${nav.length || who ? html`
      <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
        <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">Menu</button>
        <ul class="govuk-service-navigation__list" id="navigation">
          ${nav.map((n) => html`<li class="govuk-service-navigation__item${n.current ? " govuk-service-navigation__item--active" : ""}"><a class="govuk-service-navigation__link" href="${n.href}"${n.current ? raw(' aria-current="page"') : ""}>${n.current ? html`<strong class="govuk-service-navigation__active-fallback">${n.text}</strong>` : n.text}</a></li>`)}
          ${who ? html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/sign-out" id="sign-out">Sign out<span class="govuk-visually-hidden"> (${who.name})</span></a></li>` : ""}
        </ul>
      </nav>` : ""}
    </div>
  </div>
</section>
<div class="govuk-width-container">
  <main class="govuk-main-wrapper" id="main-content">
    ${warning}
    ${body}
  </main>
</div>
<footer class="govuk-footer">
  <div class="govuk-width-container">
    <div class="govuk-footer__meta"><div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
      <p class="govuk-body-s">${who ? `Signed in as ${who.name} (${who.subject})` : ""}</p>
      <p class="govuk-body-s">Figures are measured against the timescales of the Children and Families Act 2014, the SEND Regulations 2014 and the LA's own policies: see the rules beside each clock.</p>
    </div></div>
  </div>
</footer>`;
}

// A GOV.UK error summary; each error links to its field when the page has it.
export function errorSummary(errors: FieldError[], heading = "There is a problem"): Html {
  if (!errors.length) return html``;
  return html`
<div class="govuk-error-summary" data-module="govuk-error-summary">
  <div role="alert">
    <h2 class="govuk-error-summary__title">${heading}</h2>
    <div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">
      ${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}
    </ul></div>
  </div>
</div>`;
}

// A refusal or failure of a service, in its own words.
export function problemSummary(p: Problem): Html {
  return html`
<div class="govuk-error-summary" data-module="govuk-error-summary" id="problem" data-code="${p.code}">
  <div role="alert">
    <h2 class="govuk-error-summary__title">${p.heading}</h2>
    <div class="govuk-error-summary__body">
      <p class="govuk-body">${p.field ? html`<a href="#${p.field}">${p.message}</a>` : p.message}</p>
    </div>
  </div>
</div>`;
}

const RAG_WORDS: Record<number, [string, string]> = {
  [Rag.GREEN]: ["Green", "govuk-tag--green"],
  [Rag.AMBER]: ["Amber", "govuk-tag--yellow"],
  [Rag.RED]: ["Red", "govuk-tag--red"],
  [Rag.NO_DATA]: ["No data", "govuk-tag--grey"],
  [Rag.UNSPECIFIED]: ["No target", "govuk-tag--grey"],
};

export function ragName(rag: Rag): string {
  return (RAG_WORDS[rag] ?? RAG_WORDS[Rag.UNSPECIFIED])[0];
}

// RAG as a tag that says it in words (never colour alone).
export function ragTag(rag: Rag): Html {
  const [words, cls] = RAG_WORDS[rag] ?? RAG_WORDS[Rag.UNSPECIFIED];
  return html`<strong class="govuk-tag ${cls} app-rag">${words}</strong>`;
}

// An open clock's state in words: overdue by `days`, or open.
export function openClockTag(days: number): Html {
  return days > 0
    ? html`<strong class="govuk-tag govuk-tag--red">Overdue ${days} day${days === 1 ? "" : "s"}</strong>`
    : html`<strong class="govuk-tag govuk-tag--blue">Open</strong>`;
}

export function percent(p: number): string {
  return `${(Math.round(p * 10) / 10).toFixed(1)}%`;
}

// A wide table scrolls inside a focusable region (keyboard users can scroll
// it; at 320 px wide the page itself never does).
export function scrollTable(label: string, table: Html): Html {
  return html`<div class="app-table-scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

// CSV text (RFC 4180) with a leading apostrophe on cells a spreadsheet would
// take for a formula.
export function csv(rows: (string | number | bigint)[][]): string {
  return rows.map((row) => row.map((cell) => {
    let s = String(cell);
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(",")).join("\r\n") + "\r\n";
}

// A download button for a table's CSV: wired by wireDownloads after render.
export function downloadButton(id: string, label: string): Html {
  return html`<button type="button" class="govuk-button govuk-button--secondary app-download" data-csv="${id}">${label}</button>`;
}

const downloads = new Map<string, { name: string; text: string }>();
export function offerCsv(id: string, name: string, text: string): void {
  downloads.set(id, { name, text });
}

export function wireDownloads(root: HTMLElement): void {
  root.querySelectorAll<HTMLButtonElement>("button[data-csv]").forEach((b) => {
    b.addEventListener("click", () => {
      const d = downloads.get(b.dataset.csv ?? "");
      if (!d) return;
      const url = URL.createObjectURL(new Blob([d.text], { type: "text/csv;charset=utf-8" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = d.name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  });
}

export function caption(text: string, size: "s" | "m" | "l" = "l"): Html {
  return html`<span class="govuk-caption-${size}">${text}</span>`;
}
