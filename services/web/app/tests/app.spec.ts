// The web app in Debian's Chromium against casework-dev --demo: sign-in by
// OpenID Connect through the dev provider, the figures against the gRPC
// answers (casectl --json, written by browser_test.sh), drill-down, CSV,
// trends, worklists and their refusals, and axe on every page.
import { expect, test } from "@playwright/test";
import fs from "node:fs";
import { connect, env, expectAccessible, pageErrors, parseCsv, readJson, ready, signIn, watch } from "./helpers";

interface JsonMeasure { code: string; name: string; numerator?: string; denominator?: string; percent?: number; rag?: string;
  comparisons?: { scope: string; year: number; percent: number; source: string }[] }
interface JsonCard { officer_id: string; measures: JsonMeasure[]; caseload?: string; overdue_items?: string; open_items?: string }
interface JsonTeam { team_id: string; officers: JsonCard[]; totals: JsonCard }
interface JsonLa { teams: { team_id?: string; totals: JsonCard }[]; totals: JsonCard }

test.beforeEach(({ page }) => watch(page));
test.afterEach(({ page }) => {
  expect(pageErrors.get(page) ?? [], "errors in the page").toEqual([]);
});

const FROM = () => env("CASEWORK_TEST_FROM");
const TO = () => env("CASEWORK_TEST_TO");
const period = () => `period=custom&from=${FROM()}&to=${TO()}&asOf=${TO()}`;
const AREAS = ["ehc", "advice", "reviews", "transport", "complaints", "disagreements", "quality", "experience", "schools"];
const n = (s: string | undefined) => Number(s ?? 0);

// The words a manager reads for a RAG (the JSON names of casework.v1.Rag).
const RAG_WORDS: Record<string, string> = {
  RAG_GREEN: "Green", RAG_AMBER: "Amber", RAG_RED: "Red", RAG_NO_DATA: "No data", RAG_UNSPECIFIED: "No target",
};
// The percent as the page writes it: one decimal place, none without a denominator.
const percentText = (m: JsonMeasure) => (n(m.denominator) > 0 ? `${(Math.round((m.percent ?? 0) * 10) / 10).toFixed(1)}%` : "");

// Every figure of every area's table equals the gRPC answer - numerator,
// denominator, percent and the RAG in words - and every figure of the gRPC
// answer is on one of the pages (both ways: a row or a measure left out
// fails).
async function expectFigures(page: import("@playwright/test").Page, base: string, rows: Map<string, JsonCard>) {
  let checked = 0;
  const seen = new Set<string>();
  for (const area of AREAS) {
    await page.goto(`${base}?${period()}&area=${area}`);
    await ready(page);
    const cells = await page.locator("td.app-figure").evaluateAll((tds) => tds.map((td) => ({
      row: (td as HTMLElement).dataset.row!, measure: (td as HTMLElement).dataset.measure!,
      num: Number((td as HTMLElement).dataset.numerator), den: Number((td as HTMLElement).dataset.denominator),
      percent: td.querySelector(".app-percent")?.textContent?.trim() ?? "(none)",
      rag: td.querySelector(".app-rag")?.textContent?.trim() ?? "(none)",
    })));
    expect(cells.length, `${area}: figures shown`).toBeGreaterThan(0);
    for (const c of cells) {
      const card = rows.get(c.row);
      expect(card, `row ${c.row}`).toBeTruthy();
      const m = card!.measures.find((x) => x.code === c.measure);
      expect(m, `${c.row} ${c.measure}`).toBeTruthy();
      expect([c.num, c.den, c.percent, c.rag], `${c.row} ${c.measure}`).toEqual(
        [n(m!.numerator), n(m!.denominator), percentText(m!), RAG_WORDS[m!.rag ?? "RAG_UNSPECIFIED"]]);
      const key = `${c.row}|${c.measure}`;
      expect(seen.has(key), `${key} shown twice`).toBe(false);
      seen.add(key);
      checked++;
    }
  }
  for (const [row, card] of rows) {
    for (const m of card.measures) expect(seen.has(`${row}|${m.code}`), `${row} ${m.code} is on no page`).toBe(true);
  }
  return checked;
}

test("a manager's team dashboard equals the gRPC scorecard, drills down and downloads", async ({ page }) => {
  const team = readJson<JsonTeam>(env("CASEWORK_TEST_TEAM_JSON"));
  await signIn(page, "manager-north", `/team/team-north?${period()}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("SEND north team");
  await expectAccessible(page, "team dashboard");
  const rows = new Map<string, JsonCard>(team.officers.map((o) => [o.officer_id, o]));
  rows.set("team-north", team.totals);
  const checked = await expectFigures(page, "/team/team-north", rows);
  expect(checked).toBeGreaterThan(team.officers.length * 10);

  // Sorted by a column: the officers in the order of that measure's percent.
  await page.goto(`/team/team-north?${period()}&area=ehc&sort=ehc.decision_6_weeks&dir=desc`);
  await ready(page);
  await expect(page.locator("th[aria-sort=descending]")).toContainText("Decisions to assess");

  // A red figure and the cases behind it.
  await page.goto(`/team/team-north?${period()}&area=ehc`);
  await ready(page);
  const red = page.locator("td.app-figure:has(.govuk-tag--red)").first();
  await expect(red).toBeVisible();
  const officer = await red.getAttribute("data-row");
  const measure = await red.getAttribute("data-measure");
  await red.locator("a").click();
  await ready(page);
  await expect(page).toHaveURL(/\/exceptions\?/);
  await expectAccessible(page, "exception report");
  const report = await connect(page, "ProjectionService/GetExceptionReport", env("CASEWORK_MANAGER_TOKEN"), {
    officerId: officer === "team-north" ? "" : officer, teamId: officer === "team-north" ? "team-north" : "",
    measure, from: ymd(FROM()), to: ymd(TO()), asOf: ymd(TO()), pageSize: 1000,
  });
  expect(report.items.length).toBeGreaterThan(0);
  await expect(page.locator("#exceptions tbody tr")).toHaveCount(report.items.length);
  // The child links to the timeline, and the case to its page.
  await page.locator("#exceptions tbody tr").first().locator("td").nth(1).locator("a").click();
  await ready(page);
  await expect(page.locator("#clocks")).toBeVisible();
  await expectAccessible(page, "case page");
  await page.locator("a[href^='/child/']").first().click();
  await ready(page);
  await expect(page.locator("#timeline tbody tr").first()).toBeVisible();
  await expectAccessible(page, "child timeline");

  // The CSV has the page's figures, every measure.
  await page.goto(`/team/team-north?${period()}`);
  await ready(page);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /Download all measures/ }).click(),
  ]);
  const csv = parseCsv(fs.readFileSync(await download.path(), "utf8"));
  const header = csv[0];
  for (const line of csv.slice(1)) {
    const card = rows.get(line[0]);
    expect(card, `CSV row ${line[0]}`).toBeTruthy();
    expect(Number(line[1])).toBe(n(card!.caseload));
    for (const m of card!.measures) {
      const i = header.indexOf(`${m.code} numerator`);
      expect(i, m.code).toBeGreaterThan(0);
      expect([Number(line[i]), Number(line[i + 1])], `${line[0]} ${m.code}`).toEqual([n(m.numerator), n(m.denominator)]);
    }
  }
  expect(csv.length).toBe(team.officers.length + 2);
});

function ymd(text: string) {
  const [year, month, day] = text.split("-").map(Number);
  return { year, month, day };
}

test("a trend chart draws its points and the target, with the figures in a table", async ({ page }) => {
  await signIn(page, "manager-north", "/trends?team=team-north&measure=ehc.decision_6_weeks&months=12");
  await expect(page.locator("#chart-trend canvas")).toHaveCount(1);
  const points = Number(await page.locator("#chart-trend").getAttribute("data-points"));
  expect(points).toBeGreaterThan(0);
  await expect(page.locator("#trend-table tbody tr")).toHaveCount(12);
  await expect(page.locator("#chart-backlog canvas")).toHaveCount(1);
  await expectAccessible(page, "trends");
  // A measure with published figures draws them and says them in words.
  await page.goto("/trends?team=team-north&measure=ehc.final_plan_20_weeks&months=36");
  await ready(page);
  await expect(page.locator("#chart-trend")).toHaveAttribute("data-compared", "1");
  await expect(page.locator("#trend-comparisons")).toContainText("national 2024: 46.4%");
  await expectAccessible(page, "a trend with published figures");
});

test("an officer sees their own worklist and is refused another's, plainly", async ({ page }) => {
  await signIn(page, "officer-01", "/");
  await expect(page).toHaveURL(/\/worklist\/officer-01$/);
  await expect(page.locator("#worklist-summary")).toContainText("open item");
  await expectAccessible(page, "worklist");
  const first = page.locator("#worklist tbody tr").first();
  await expect(first).toBeVisible();
  // Overdue first.
  const flags = await page.locator("#worklist tbody tr").evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.overdue));
  expect(flags.indexOf("false") === -1 || flags.lastIndexOf("true") < flags.indexOf("false")).toBe(true);
  expect(flags, "the demo officer has overdue items").toContain("true");
  await page.goto("/worklist/officer-01?show=overdue");
  await ready(page);
  const overdueOnly = await page.locator("#worklist tbody tr").evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.overdue));
  expect(overdueOnly.length, "the overdue filter shows rows").toBeGreaterThan(0);
  expect(overdueOnly.every((f) => f === "true"), "only overdue rows").toBe(true);
  // Another officer's worklist: the service's refusal, in an error summary.
  await page.goto("/worklist/officer-02");
  await ready(page);
  await expect(page.locator(".govuk-error-summary")).toContainText("an officer sees only their own worklist");
  await expect(page.locator("#worklist")).toHaveCount(0);
  await expectAccessible(page, "refusal");
  // And the team dashboard is not theirs either.
  await page.goto("/team/team-north");
  await ready(page);
  await expect(page.locator(".govuk-error-summary")).toContainText("needs the role manager");
});

test("the early warning: a team's assessments at risk equal the gRPC answer, both ways", async ({ page, browser }) => {
  await signIn(page, "manager-north", "/team/team-north");
  await expect(page.locator("#at-risk-summary")).toContainText("at risk of missing the deadline");
  const grpc = await connect(page, "ProjectionService/GetAtRisk", env("CASEWORK_MANAGER_TOKEN"), { teamId: "team-north" });
  const want = ((grpc.items ?? []) as { streamId: string; officerId: string; rule: string }[]);
  expect(want.length, "the demo team has assessments at risk").toBeGreaterThan(0);
  // The dashboard's counts by officer add up to the list.
  const counts = await page.locator("#at-risk-counts tbody tr td.govuk-table__cell--numeric").allTextContents();
  expect(counts.reduce((a, c) => a + Number(c), 0)).toBe(want.length);
  await page.goto("/at-risk?team=team-north");
  await ready(page);
  await expect(page.locator("h1")).toHaveText("At risk of missing a deadline: team team-north");
  await expectAccessible(page, "at-risk list");
  const shown = await page.locator("#at-risk tbody tr").evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.stream));
  expect([...shown].sort()).toEqual(want.map((x) => x.streamId).sort());
  expect(want.some((x) => x.rule === "ehc.final_plan"), "assessments at risk").toBe(true);
  // Each row says what holds it up, and the method is on the page.
  await expect(page.locator("#at-risk tbody tr").first()).toContainText(/outstanding|not made|not issued/);
  await expect(page.locator("#at-risk-method")).toContainText("one in three");
  // The officer's worklist marks their own.
  const mine = want.filter((x) => x.officerId === "officer-01").map((x) => x.streamId);
  const context = await browser.newContext();
  const officer = await context.newPage();
  await signIn(officer, "officer-01", "/worklist/officer-01");
  await expect(officer.locator("#worklist-summary")).toContainText(`${mine.length} at risk of missing the deadline`);
  await expectAccessible(officer, "worklist with the early warning");
  expect(pageErrors.get(officer) ?? []).toEqual([]);
  await context.close();
});

test("an officer's own scorecard equals the gRPC scorecard, with its CSV", async ({ page }) => {
  const card = readJson<JsonCard>(env("CASEWORK_TEST_OFFICER_JSON"));
  await signIn(page, "officer-01", `/officer/officer-01?${period()}`);
  await expect(page.locator("nav a[aria-current=page]")).toHaveText("My scorecard");
  await expectAccessible(page, "officer scorecard");
  const cells = await page.locator("td.app-figure").evaluateAll((tds) => tds.map((td) => ({
    measure: (td as HTMLElement).dataset.measure!,
    num: Number((td as HTMLElement).dataset.numerator), den: Number((td as HTMLElement).dataset.denominator),
  })));
  expect(cells.map((c) => c.measure)).toEqual(card.measures.map((m) => m.code));
  for (const c of cells) {
    const m = card.measures.find((x) => x.code === c.measure)!;
    expect([c.num, c.den], c.measure).toEqual([n(m.numerator), n(m.denominator)]);
  }
  await expect(page.locator("#figures")).toContainText(String(n(card.caseload)));
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /Download this scorecard/ }).click(),
  ]);
  const rows = parseCsv(fs.readFileSync(await download.path(), "utf8"));
  expect(rows.slice(1).map((r) => [r[0], Number(r[2]), Number(r[3])])).toEqual(
    card.measures.map((m) => [m.code, n(m.numerator), n(m.denominator)]));
});

test("the head of service's LA overview equals the gRPC LA scorecard", async ({ page }) => {
  const la = readJson<JsonLa>(env("CASEWORK_TEST_LA_JSON"));
  await signIn(page, "head-of-send", "/");
  await expect(page).toHaveURL(/\/la$/);
  await page.goto(`/la?${period()}`);
  await ready(page);
  await expectAccessible(page, "LA overview");
  const rows = new Map<string, JsonCard>(la.teams.map((t) => [t.team_id ?? "", t.totals]));
  rows.set("la", la.totals);
  expect(await expectFigures(page, "/la", rows)).toBeGreaterThan(la.teams.length * 10);
  // Beside the LA's own figure and target, the published ones (the DfE's national figure),
  // as gRPC has them: in the totals' cells and in the comparison table.
  await page.goto(`/la?${period()}&area=ehc`);
  await ready(page);
  await expectAccessible(page, "LA overview with the published figures");
  const published = la.totals.measures.filter((m) => m.comparisons?.length && m.code.startsWith("ehc."));
  expect(published.map((m) => m.code)).toContain("ehc.final_plan_20_weeks");
  for (const m of published) {
    const shown = await page.locator(`#comparisons tr[data-measure="${m.code}"] .app-comparison`).evaluateAll((els) =>
      els.map((e) => `${(e as HTMLElement).dataset.scope} ${(e as HTMLElement).dataset.year} ${(e as HTMLElement).dataset.percent}`));
    expect(shown, m.code).toEqual(m.comparisons!.map((c) => `${c.scope} ${c.year} ${c.percent}`));
  }
  await expect(page.locator('td.app-figure[data-row="la"][data-measure="ehc.final_plan_20_weeks"] .app-compare'))
    .toContainText(/national \d{4}: \d+(\.\d)?%/);
});

test("the QA lead reads the LA's quality figures, and only those", async ({ page }) => {
  const la = readJson<JsonLa>(env("CASEWORK_TEST_LA_JSON"));
  await signIn(page, "qa-lead", "/");
  await expect(page).toHaveURL(/\/la\?area=quality$/);
  await page.goto(`/la?${period()}&area=quality`);
  await ready(page);
  await expectAccessible(page, "the QA lead's quality figures");
  const rows = new Map<string, JsonCard>(la.teams.map((t) => [t.team_id ?? "", t.totals]));
  rows.set("la", la.totals);
  const cells = await page.locator("td.app-figure").evaluateAll((tds) => tds.map((td) => ({
    row: (td as HTMLElement).dataset.row!, measure: (td as HTMLElement).dataset.measure!,
    num: Number((td as HTMLElement).dataset.numerator), den: Number((td as HTMLElement).dataset.denominator),
  })));
  const quality = la.totals.measures.filter((m) => m.code.startsWith("quality."));
  expect(quality.length).toBeGreaterThan(10);
  expect(cells.length).toBe(rows.size * quality.length);
  for (const c of cells) {
    expect(c.measure.startsWith("quality."), c.measure).toBe(true);
    const m = rows.get(c.row)!.measures.find((x) => x.code === c.measure)!;
    expect([c.num, c.den], `${c.row} ${c.measure}`).toEqual([n(m.numerator), n(m.denominator)]);
  }
  // Over gRPC too, the QA role's LA scorecard holds the quality measures alone.
  const qa = await connect(page, "ProjectionService/GetLaScorecard", env("CASEWORK_QA_TOKEN"),
    { from: ymd(FROM()), to: ymd(TO()), asOf: ymd(TO()) });
  expect(qa.totals.measures.map((m: JsonMeasure) => m.code)).toEqual(quality.map((m) => m.code));
  // A figure lists the plans behind it: every case its numerator and denominator counted,
  // the same as over gRPC, summing to the figure.
  await page.locator('td.app-figure[data-row="la"][data-measure="quality.plans_audited"] a').click();
  await ready(page);
  await expect(page.locator("h1")).toHaveText("Plans audited (of plans issued)");
  await expectAccessible(page, "the plans behind a quality figure");
  const behind = await connect(page, "ProjectionService/GetExceptionReport", env("CASEWORK_QA_TOKEN"),
    { la: true, measure: "quality.plans_audited", from: ymd(FROM()), to: ymd(TO()), asOf: ymd(TO()), pageSize: 1000 });
  expect(behind.rate).toBe(true);
  const items: { streamId: string; numerator?: string; denominator?: string }[] = behind.items ?? [];
  const total = la.totals.measures.find((m) => m.code === "quality.plans_audited")!;
  expect([items.reduce((a, x) => a + Number(x.numerator ?? 0), 0), items.reduce((a, x) => a + Number(x.denominator ?? 0), 0)])
    .toEqual([n(total.numerator), n(total.denominator)]);
  const listed = await page.locator("#exceptions tbody tr").evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.stream));
  expect(listed).toEqual(items.map((x) => x.streamId));
  // Another area of the LA's figures is not the QA lead's: the page stays on quality.
  await page.goto(`/la?${period()}&area=ehc`);
  await ready(page);
  const shown = await page.locator("td.app-figure").evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.measure!));
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.every((code) => code.startsWith("quality."))).toBe(true);
});

test("usable at 320 px wide: the page never scrolls sideways", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await signIn(page, "manager-north", `/team/team-north?${period()}`);
  expect(pageErrors.get(page)).toEqual([]);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(320);
  await expectAccessible(page, "team dashboard at 320 px");
  await context.close();
});

test("the dev provider's sign-in page and a bad period are accessible and say what is wrong", async ({ page }) => {
  await page.goto("/team/team-north");
  await page.waitForURL(/\/authorize\?/);
  await expectAccessible(page, "sign-in page");
  await page.locator("input[name=user][value='manager-north']").check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await ready(page);
  await page.goto("/team/team-north?period=custom&from=2026-02-30&to=2026-03-01");
  await ready(page);
  const summary = page.locator(".govuk-error-summary");
  await expect(summary).toContainText("Enter the first day of the period as a real date");
  await expect(summary.locator("a[href='#from']")).toBeVisible();
  await expectAccessible(page, "dashboard with errors");
});
