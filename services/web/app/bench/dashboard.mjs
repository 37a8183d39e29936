// Time from navigation to the team dashboard rendered, in Debian's headless
// Chromium: signs in once through the dev provider, then loads the team
// dashboard RUNS times (the first with an empty cache), reading the page's
// own mark "casework-rendered" (ms since navigation start). Also the time
// of the same data straight from the gateway, measured in the same run.
// Usage: node bench/dashboard.mjs URL TEAM TOKEN [RUNS]
import { chromium } from "@playwright/test";

const [url, team, token, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 20);
const browser = await chromium.launch({
  executablePath: process.env.CASEWORK_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const target = `${url}/team/${team}`;
await page.goto(target);
await page.waitForURL(/\/authorize\?/);
await page.locator("input[name=user][value='manager-north']").check();
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForSelector("body[data-ready]");
const times = [];
const officers = await page.locator("table.app-dashboard tbody tr").count() - 1;
for (let i = 0; i < runs; i++) {
  await page.goto(target);
  await page.waitForSelector("body[data-ready]");
  times.push(await page.evaluate(() => performance.getEntriesByName("casework-rendered")[0].startTime));
}
// The data alone: the same Connect call the page makes, from the page.
const api = [];
for (let i = 0; i < runs; i++) {
  api.push(await page.evaluate(async ([t, tok]) => {
    const start = performance.now();
    const now = new Date();
    const to = { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
    const from = { year: to.year - 1, month: to.month, day: to.day };
    const r = await fetch("/casework.v1.ProjectionService/GetTeamScorecard", {
      method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${tok}` },
      body: JSON.stringify({ teamId: t, from, to }),
    });
    await r.json();
    return performance.now() - start;
  }, [team, token]));
}
await browser.close();
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], first: xs[0] };
};
const t = stat(times), a = stat(api);
console.log(`team dashboard of ${team} (${officers} officers), ${runs} loads: median ${t.median.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms (first, cache cold after sign-in: ${t.first.toFixed(0)} ms)`);
console.log(`its data alone (GetTeamScorecard through the gateway, from the page): median ${a.median.toFixed(0)} ms; the page takes ${(t.median / a.median).toFixed(1)}x the data's time`);
