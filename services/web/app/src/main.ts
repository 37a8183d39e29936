// The app: signs the user in (OpenID Connect), then renders the page the
// address names. Every page is a real address (bookmark it, share it, use
// the back button); forms are GET forms that change the address.
import { Checkboxes, createAll, ErrorSummary, NotificationBanner, Radios, ServiceNavigation, SkipLink } from "govuk-frontend";
import { makeApi, problemOf, takeBehind, type Api } from "./api";
import { makeUserManager, whoFrom, type AppConfig, type Who } from "./auth";
import { html, type Html } from "./html";
import { laPage, teamPage } from "./pages/dashboard";
import { exceptionsPage } from "./pages/exceptions";
import { trendsPage } from "./pages/trends";
import { worklistPage } from "./pages/worklist";
import { officerPage } from "./pages/officer";
import { casePage, childPage } from "./pages/cases";
import { newCasePage, stepPage } from "./pages/steps";
import { samplePage } from "./pages/sample";
import { atRiskPage } from "./pages/atrisk";
import { problemSummary, shell, wireDownloads } from "./ui";

type Page = { title: string; body: Html; after?: (root: HTMLElement) => void };

function show(who: Who | null, page: Page): void {
  const root = document.getElementById("app")!;
  root.innerHTML = shell(who, window.location.pathname, page.title, page.body, takeBehind()).text;
  document.title = `${page.title} - casework`;
  document.body.classList.add("js-enabled", "govuk-frontend-supported");
  createAll(ServiceNavigation);
  createAll(SkipLink);
  createAll(Radios);
  createAll(ErrorSummary);
  createAll(Checkboxes);
  createAll(NotificationBanner);
  wireDownloads(root);
  page.after?.(root);
  document.body.dataset.ready = "true";
  // For the benchmark: milliseconds from navigation to the page rendered.
  performance.mark("casework-rendered");
}

// The QA role alone (no other role that reads the LA's figures).
export function qaOnly(who: Who): boolean {
  return who.roles.includes("qa") && !who.roles.includes("head_of_service");
}

function home(who: Who): string {
  if (who.roles.includes("head_of_service")) return "/la";
  if (qaOnly(who)) return "/la?area=quality";
  if (who.roles.includes("manager") && who.teams.length) return `/team/${encodeURIComponent(who.teams[0])}`;
  if (who.officerId) return `/worklist/${encodeURIComponent(who.officerId)}`;
  return "/";
}

async function route(api: Api, config: AppConfig, who: Who): Promise<Page> {
  const path = window.location.pathname;
  const params = new URLSearchParams(window.location.search);
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (seg[0] === "team" && seg[1]) return teamPage(api, seg[1], params);
  if (seg[0] === "la" && seg.length === 1) {
    // The QA role reads the LA's quality measures alone.
    if (qaOnly(who)) params.set("area", "quality");
    return laPage(api, params);
  }
  if (seg[0] === "exceptions") return exceptionsPage(api, config, params);
  if (seg[0] === "at-risk" && seg.length === 1) return atRiskPage(api, config, params);
  if (seg[0] === "trends") return trendsPage(api, who, params);
  if (seg[0] === "worklist" && seg[1]) return worklistPage(api, config, seg[1], params, who);
  if (seg[0] === "sample" && seg.length === 1) return samplePage(api, who, (page) => show(who, page));
  if (seg[0] === "officer" && seg[1]) return officerPage(api, seg[1], params);
  if (seg[0] === "child" && seg[1]) return childPage(api, config, seg[1]);
  if (seg[0] === "case" && seg[1] && seg[2] && seg[3] === "do" && seg[4]) {
    return stepPage(api, seg[1], seg[2], seg[4], (page) => show(who, page));
  }
  if (seg[0] === "case" && seg[1] && seg[2] && seg.length === 3) return casePage(api, config, seg[1], seg[2], params, who.roles);
  if (seg[0] === "new" && seg[1]) return newCasePage(api, who, seg[1], params, (page) => show(who, page));
  if (seg.length === 0) {
    const target = home(who);
    if (target !== "/") {
      window.location.replace(target);
      return { title: "casework", body: html`<p class="govuk-body">Opening your page...</p>` };
    }
    return {
      title: "casework",
      body: html`<h1 class="govuk-heading-l">casework</h1><p class="govuk-body">You are signed in as ${who.name}. Your roles (${who.roles.join(", ") || "none"}) have no pages here: the statutory returns and administration are in casectl.</p>`,
    };
  }
  return { title: "Page not found", body: html`<h1 class="govuk-heading-l">Page not found</h1><p class="govuk-body">If you typed the web address, check it is correct.</p><p class="govuk-body"><a class="govuk-link" href="/">Go to your start page</a></p>` };
}

async function main(): Promise<void> {
  const config = (await (await fetch("/config.json")).json()) as AppConfig;
  const users = makeUserManager(config);
  const path = window.location.pathname;
  if (path === "/signin-callback") {
    const user = await users.signinRedirectCallback();
    const back = (user.state as { back?: string } | undefined)?.back;
    window.location.replace(back && back.startsWith("/") && !back.startsWith("//") ? back : "/");
    return;
  }
  if (path === "/signed-out") {
    show(null, { title: "Signed out", body: html`<h1 class="govuk-heading-l">You have signed out</h1><p class="govuk-body"><a class="govuk-link" href="/">Sign in again</a></p>` });
    return;
  }
  const user = await users.getUser();
  if (!user || user.expired) {
    await users.signinRedirect({ state: { back: path + window.location.search } });
    return;
  }
  if (path === "/sign-out") {
    await users.removeUser();
    await users.signoutRedirect({ id_token_hint: user.id_token });
    return;
  }
  const who = whoFrom(user);
  const api = makeApi(() => user.access_token);
  document.addEventListener("click", (e) => {
    const a = (e.target as HTMLElement).closest("a#sign-out");
    if (a) {
      e.preventDefault();
      void users.removeUser().then(() => users.signoutRedirect({ id_token_hint: user.id_token }));
    }
  });
  try {
    show(who, await route(api, config, who));
  } catch (e) {
    const p = problemOf(e);
    show(who, { title: p.heading, body: html`${problemSummary(p)}<h1 class="govuk-heading-l">${p.heading}</h1><p class="govuk-body"><a class="govuk-link" href="/">Go to your start page</a></p>` });
  }
}

main().catch((e) => {
  const root = document.getElementById("app");
  if (root) {
    root.innerHTML = html`<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">${problemSummary(problemOf(e))}<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1></main></div>`.text;
  }
  document.body.dataset.ready = "error";
});
