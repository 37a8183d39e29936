import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";

export const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run tests/web/browser_test.sh)`);
  return v;
};

// What went wrong in the page's own code: uncaught exceptions and console
// errors (a refused call's HTTP status in the console is the service
// answering, not an error of the page).
export const pageErrors = new WeakMap<Page, string[]>();
export function watch(page: Page): void {
  if (pageErrors.has(page)) return;
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console: ${m.text()}`);
  });
}

// Signs in through the dev identity provider's page, as a person would.
export async function signIn(page: Page, user: string, path: string): Promise<void> {
  watch(page);
  await page.goto(path);
  await page.waitForURL(/\/authorize\?/);
  await page.locator(`input[name=user][value="${user}"]`).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await ready(page);
}

export async function ready(page: Page): Promise<void> {
  await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
}

// No WCAG 2.0/2.1/2.2 A or AA violation axe can find.
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  expect(found, `${what}: accessibility violations`).toEqual([]);
}

export function readJson<T>(path: string): T {
  return JSON.parse(fs.readFileSync(path, "utf8")) as T;
}

// A Connect call to the gateway as any client would make it.
export async function connect(page: Page, method: string, token: string, body: unknown): Promise<any> {
  const r = await page.request.post(`/casework.v1.${method}`, {
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    data: JSON.stringify(body),
  });
  expect(r.status(), `${method}: ${await r.text()}`).toBe(200);
  return r.json();
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  return rows;
}
