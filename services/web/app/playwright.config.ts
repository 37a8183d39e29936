// Browser tests against a running dev stack (tests/web/browser_test.sh
// starts it and sets CASEWORK_WEB_URL). Debian's Chromium, never a download.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  timeout: 90_000,
  // One worker, files in name order: app.spec.ts compares the dashboards
  // with gRPC answers taken before the run, and steps.spec.ts then records
  // new steps (which change those figures).
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [["list"]],
  outputDir: process.env.CASEWORK_PW_OUT ?? "test-results",
  use: {
    baseURL: process.env.CASEWORK_WEB_URL ?? "http://127.0.0.1:8080",
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CASEWORK_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
});
