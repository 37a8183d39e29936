// Officers record their cases in the browser: forms built from the
// contract's commands, offered by the case's allowed_actions, checked against
// the gRPC answers; a double submit records once; a refusal lands on its
// field; a step from an old page is refused; every command has its page.
import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import { connect, env, expectAccessible, pageErrors, parseCsv, ready, signIn, watch } from "./helpers";
import { EhcAssessmentService } from "../src/gen/casework/v1/ehc_assessment_pb";
import { AnnualReviewService } from "../src/gen/casework/v1/annual_review_pb";
import { TransportService } from "../src/gen/casework/v1/transport_pb";
import { ComplaintsService } from "../src/gen/casework/v1/complaints_pb";

test.beforeEach(({ page }) => watch(page));
test.afterEach(({ page }) => {
  expect(pageErrors.get(page) ?? [], "errors in the page").toEqual([]);
});

async function fillDate(page: Page, field: string, iso: string) {
  const [y, m, d] = iso.split("-");
  await page.fill(`[id="${field}"]`, String(Number(d)));
  await page.fill(`[id="${field}-month"]`, String(Number(m)));
  await page.fill(`[id="${field}-year"]`, y);
}

async function submit(page: Page, name: string) {
  await page.getByRole("button", { name, exact: true }).click();
}

// Takes a step from the case page: follows its link among the steps offered.
async function step(page: Page, action: string, fill: () => Promise<void>) {
  await page.locator("#actions").getByRole("link", { name: words(action), exact: true }).click();
  await ready(page);
  await expect(page.locator("#command-form")).toBeVisible();
  await fill();
  await submit(page, words(action));
  await page.waitForURL(new RegExp(`done=${action}`));
  await ready(page);
  await expect(page.locator(".govuk-notification-banner--success")).toContainText(`${words(action)}: recorded`);
}

function words(name: string) {
  const s = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

async function assessment(page: Page, id: string) {
  return connect(page, "EhcAssessmentService/GetAssessment", env("CASEWORK_OFFICER_TOKEN"), { assessmentId: id });
}

// The clocks table equals the service's clocks: rule, due date and state.
async function expectClocksAsGrpc(page: Page, id: string) {
  const a = await assessment(page, id);
  const rows = await page.locator("#clocks tbody tr").evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.rule));
  expect(rows).toEqual(a.clocks.map((c: { rule: string }) => c.rule));
  const states = await page.locator("#clocks tbody tr td:nth-child(5) strong.govuk-tag:first-child").allInnerTexts();
  const words: Record<string, string> = { CLOCK_STATUS_MET: "Met", CLOCK_STATUS_MISSED: "Missed", CLOCK_STATUS_CANCELLED: "Stopped" };
  // An open clock past its due date (as of the browser's today, as the
  // worklist counts) is overdue by the days since; else open.
  const now = new Date();
  const todayUtc = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  const open = (due: { year: number; month: number; day: number }) => {
    const days = Math.round((todayUtc - Date.UTC(due.year, due.month - 1, due.day)) / 86400000);
    return days > 0 ? `Overdue ${days} day${days === 1 ? "" : "s"}` : "Open";
  };
  expect(states.map((s) => s.trim())).toEqual(a.clocks.map((c: { status: string; dueOn: { year: number; month: number; day: number } }) =>
    c.status === "CLOCK_STATUS_OPEN" ? open(c.dueOn) : words[c.status]));
  return a;
}

test("an officer takes a new EHC request from receipt to a final plan", async ({ page }) => {
  const child = `child-web-${Date.now()}`;
  await signIn(page, "officer-01", `/new/ehc-request?child=${child}`);
  await expectAccessible(page, "new request form");
  await fillDate(page, "received_on", "2026-05-01");
  await page.check("input[name=source][value=REQUEST_SOURCE_PARENT]");
  await page.check("input[name=kind][value=ASSESSMENT_KIND_FIRST]");
  await submit(page, "Record request");
  await page.waitForURL(/\/case\/ehc-assessments\/[^/?]+\?done=RecordRequest/);
  await ready(page);
  const id = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]);
  await expectAccessible(page, "case page after a step");
  let a = await expectClocksAsGrpc(page, id);
  expect(a.allowedActions).toContain("DecideToAssess");

  await step(page, "DecideToAssess", () => fillDate(page, "decided_on", "2026-06-10"));
  await step(page, "RequestAdvice", async () => {
    await page.check("input[name=advice_type][value=ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY]");
    await page.fill("[id=adviser]", "EP service");
    await fillDate(page, "requested_on", "2026-06-11");
  });
  await step(page, "RecordException", async () => {
    await page.check("input[name=kind][value=EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES]");
    await fillDate(page, "starts_on", "2026-07-01");
  });
  // The EP advice, late: due 6 weeks from 11 June (23 July), received 1 August.
  await step(page, "RecordAdviceReceived", async () => {
    await page.locator("input[name=advice_id]").first().check();
    await fillDate(page, "received_on", "2026-08-01");
  });
  a = await expectClocksAsGrpc(page, id);
  const advice = a.clocks.find((c: { rule: string }) => c.rule === "ehc.advice");
  expect(advice.closedOn).toEqual({ year: 2026, month: 8, day: 1 });
  await step(page, "IssueDraftPlan", () => fillDate(page, "issued_on", "2026-08-10"));
  // The case is on the officer's worklist (its final plan clock is open),
  // asked for with the step just taken (read-your-writes).
  const inWorklist = async () => {
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().includes("ProjectionService/GetWorklist")),
      page.getByRole("link", { name: "See the worklist" }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get("after"), "the page asks with after").toContain(id);
    expect(request.postDataBuffer()?.includes(Buffer.from(id)), "GetWorklist names the step").toBe(true);
    await ready(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: /Download/ }).click(),
    ]);
    const rows = parseCsv(fs.readFileSync(await download.path(), "utf8"));
    return rows.slice(1).filter((r) => r[2] === id).length;
  };
  expect(await inWorklist(), "the case is on the worklist before its final plan").toBeGreaterThan(0);
  await page.goBack();
  await ready(page);

  // A final plan inside the family's 15 days is refused, on the field, in the
  // service's words; the form keeps what was typed.
  await page.locator("#actions").getByRole("link", { name: "Issue final plan", exact: true }).click();
  await ready(page);
  await fillDate(page, "issued_on", "2026-08-12");
  await submit(page, "Issue final plan");
  const summary = page.locator(".govuk-error-summary");
  await expect(summary).toBeVisible();
  await expect(summary.locator("a[href='#issued_on']")).toContainText("issued_on:");
  await expect(page.locator("[id=issued_on]")).toHaveValue("12");
  await expect(page.locator(".govuk-form-group--error")).toHaveCount(1);
  await expectAccessible(page, "a form with a refusal");
  await fillDate(page, "issued_on", "2026-09-01");
  await submit(page, "Issue final plan");
  await page.waitForURL(/done=IssueFinalPlan/);
  await ready(page);
  a = await expectClocksAsGrpc(page, id);
  expect(a.status).toBe("ASSESSMENT_STATUS_PLAN_ISSUED");
  // Closed: the steps left are audits of the advice it received and of its draft.
  expect(a.allowedActions).toEqual(["AuditAdvice", "AuditDraftPlan"]);
  await expect(page.locator("#actions a")).toHaveText(["Audit advice", "Audit draft plan"]);

  // The worklist reflects it at once (read-your-writes from the step's
  // result): the case was there before, and is gone now. (The plan the final
  // plan opens in annual reviews arrives through the topics, later, under its
  // own id: not this step's read-your-writes.)
  expect(await inWorklist(), "the case left the worklist with its final plan").toBe(0);
  // The officer's scorecard for the day of the final plan: as the projection says.
  const card = await connect(page, "ProjectionService/GetOfficerScorecard", env("CASEWORK_OFFICER_TOKEN"), {
    officerId: "officer-01", from: { year: 2026, month: 9, day: 1 }, to: { year: 2026, month: 9, day: 1 },
    after: [{ source: "ehc-assessments", streamId: id, version: String(a.version) }],
  });
  const final = card.measures.find((m: { code: string }) => m.code === "ehc.final_plan_20_weeks");
  expect(Number(final.denominator ?? 0) + Number(final.excluded ?? 0)).toBeGreaterThan(0);
  await page.goto("/officer/officer-01?period=custom&from=2026-09-01&to=2026-09-01&asOf=2026-09-01");
  await ready(page);
  const cell = page.locator("td.app-figure[data-measure='ehc.final_plan_20_weeks']");
  await expect(cell).toHaveAttribute("data-numerator", String(final.numerator ?? 0));
  await expect(cell).toHaveAttribute("data-denominator", String(final.denominator ?? 0));
});

test("a double submit records once, and a step from an old page is refused", async ({ page }) => {
  const token = env("CASEWORK_OFFICER_TOKEN");
  const rec = await connect(page, "EhcAssessmentService/RecordRequest", token, {
    requestId: `web-${Date.now()}-1`, childId: `child-web-d-${Date.now()}`, officerId: "officer-01",
    receivedOn: { year: 2026, month: 10, day: 1 }, source: "REQUEST_SOURCE_PARENT", kind: "ASSESSMENT_KIND_FIRST",
  });
  const id = rec.streamId;
  await signIn(page, "officer-01", `/case/ehc-assessments/${id}/do/DecideToAssess`);
  await fillDate(page, "decided_on", "2026-10-20");
  await page.evaluate(() => {
    const f = document.querySelector<HTMLFormElement>("#command-form")!;
    f.requestSubmit();
    f.requestSubmit();
  });
  await page.waitForURL(/done=DecideToAssess/);
  await ready(page);
  expect((await assessment(page, id)).version).toBe("2");  // one step, one event

  // Open a step's page, let someone else record another meanwhile, submit.
  await page.goto(`/case/ehc-assessments/${id}/do/IssueDraftPlan`);
  await ready(page);
  await connect(page, "EhcAssessmentService/RequestAdvice", token, {
    requestId: `web-${Date.now()}-2`, assessmentId: id, adviceType: "ADVICE_TYPE_HEALTH",
    requestedOn: { year: 2026, month: 10, day: 21 },
  });
  await fillDate(page, "issued_on", "2026-10-22");
  await submit(page, "Issue draft plan");
  const summary = page.locator(".govuk-error-summary");
  await expect(summary).toContainText("Someone else changed this case");
  await expect(summary).toContainText("the case changed since you opened it");
  expect((await assessment(page, id)).draftIssuedOn).toBeUndefined();
  await expectAccessible(page, "a refused step from an old page");
});

test("every command of the four services has its page", async ({ page }) => {
  test.setTimeout(300_000);  // 57 forms, each checked by axe
  const token = env("CASEWORK_OFFICER_TOKEN");
  // A case of each service held by the officer (complaints: a complaint).
  const list = async (method: string, key: string) =>
    (await connect(page, method, token, { officerId: "officer-01", pageSize: 5 }))[key] ?? [];
  const streams: Record<string, string> = {
    "ehc-assessments": (await list("EhcAssessmentService/ListAssessments", "assessments"))[0]?.assessmentId,
    "annual-reviews": (await list("AnnualReviewService/ListPlans", "plans"))[0]?.planId,
    transport: (await list("TransportService/ListApplications", "applications"))[0]?.applicationId,
    complaints: (await list("ComplaintsService/ListComplaints", "complaints"))[0]?.complaintId,
  };
  const services = { "ehc-assessments": EhcAssessmentService, "annual-reviews": AnnualReviewService, transport: TransportService, complaints: ComplaintsService };
  const starts: Record<string, string> = { RecordRequest: "ehc-request", RegisterPlan: "plan", SubmitApplication: "travel", LogComplaint: "complaint", RecordDisagreement: "disagreement", RecordFeedback: "feedback", RecordSurveySent: "survey" };
  // No complaint held yet: log one through its form.
  await signIn(page, "officer-01", `/new/complaint?child=child-web-c-${Date.now()}`);
  if (!streams.complaints) {
    await page.check("input[name=complainant][value=COMPLAINANT_PARENT]");
    await page.check("input[name=subject][value=COMPLAINT_SUBJECT_EHC_ASSESSMENT]");
    await page.check("input[name=procedure][value=COMPLAINT_PROCEDURE_CORPORATE]");
    await fillDate(page, "received_on", "2026-11-02");
    await submit(page, "Log complaint");
    await page.waitForURL(/\/case\/complaints\/[^/?]+\?done=LogComplaint/);
    await ready(page);
    await expect(page.locator("#actions")).toContainText("Acknowledge complaint");
    streams.complaints = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]);
  }
  let n = 0;
  for (const [source, service] of Object.entries(services)) {
    for (const m of service.methods) {
      if (m.output.typeName !== "casework.v1.CommandResult") continue;
      n++;
      const path = starts[m.name] ? `/new/${starts[m.name]}` : `/case/${source}/${streams[source]}/do/${m.name}`;
      expect(starts[m.name] || streams[source], `a ${source} case for ${m.name}`).toBeTruthy();
      await page.goto(path);
      await ready(page);
      await expect(page.locator("#command-form button[type=submit]"), `${source} ${m.name}: ${path}`).toBeVisible();
      expect(await page.locator("#command-form").getAttribute("data-method")).toBe(m.name);
      // axe on one form in three (every kind of field occurs among them; the
      // forms of the flows above are checked in full, error states included).
      if (n % 3 === 1 || starts[m.name]) await expectAccessible(page, `the form of ${source} ${m.name}`);
    }
  }
  expect(n).toBeGreaterThan(50);
});

test("a travel application from the what-if to the arrangement", async ({ page }) => {
  const child = `child-web-t-${Date.now()}`;
  await signIn(page, "officer-01", `/new/travel?child=${child}`);
  await fillDate(page, "received_on", "2026-06-01");
  await fillDate(page, "facts.date_of_birth", "2016-03-01");
  await page.fill("[id='facts.academic_year']", "2026");
  await page.fill("[id='facts.school_id']", "urn-100001");
  // The outcome the law gives, as the officer types: not the nearest
  // suitable school gives no right; the nearest, 3.4 miles away for a child
  // of 10, does (beyond the 3 miles of Schedule 35B).
  await expect(page.locator("#what-if-outcome")).toContainText("Outcome the law gives: not eligible", { timeout: 10_000 });
  await page.check("[id='facts.nearest_suitable_school']");
  await page.fill("[id='facts.walking_miles']", "3.4");
  await expect(page.locator("#what-if-outcome")).toContainText("Outcome the law gives: eligible", { timeout: 10_000 });
  await expect(page.locator("#what-if-outcome")).toContainText("beyond walking distance");
  await expectAccessible(page, "travel application with its what-if");
  await submit(page, "Submit application");
  await page.waitForURL(/\/case\/transport\/[^/?]+\?done=SubmitApplication/);
  await ready(page);
  const id = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]);
  const token = env("CASEWORK_OFFICER_TOKEN");
  let app = await connect(page, "TransportService/GetApplication", token, { applicationId: id });
  expect(app.assessment.outcome).toBe("ELIGIBILITY_OUTCOME_ELIGIBLE");
  await step(page, "RecordDecision", async () => {
    await page.check("input[name=decision][value=TRANSPORT_DECISION_ELIGIBLE]");
    await fillDate(page, "notified_on", "2026-06-20");
  });
  await step(page, "ArrangeTransport", async () => {
    await page.check("input[name=type][value=ARRANGEMENT_TYPE_VEHICLE_OR_TAXI]");
    await fillDate(page, "starts_on", "2026-09-03");
  });
  app = await connect(page, "TransportService/GetApplication", token, { applicationId: id });
  expect(app.status).toBe("APPLICATION_STATUS_ARRANGED");
  const inPlace = app.clocks.find((c: { clockId: string }) => c.clockId === "in_place");
  expect(inPlace.status).toBe("CLOCK_STATUS_MET");
  await expect(page.locator("#clocks tbody tr[data-rule='transport.in_place']")).toContainText("Met");
});

test("a review cycle from the meeting to the amended plan", async ({ page }) => {
  const token = env("CASEWORK_OFFICER_TOKEN");
  const reg = await connect(page, "AnnualReviewService/RegisterPlan", token, {
    requestId: `web-r-${Date.now()}`, childId: `child-web-r-${Date.now()}`, officerId: "officer-01",
    issuedOn: { year: 2025, month: 12, day: 1 },
  });
  await signIn(page, "officer-01", `/case/annual-reviews/${reg.streamId}`);
  await step(page, "ScheduleReviewMeeting", () => fillDate(page, "meeting_on", "2026-11-02"));
  await step(page, "RecordMeetingHeld", () => fillDate(page, "held_on", "2026-11-02"));
  await step(page, "RecordReviewDecision", async () => {
    await page.check("input[name=decision][value=REVIEW_DECISION_AMEND]");
    await fillDate(page, "notified_on", "2026-11-09");
  });
  await step(page, "IssueAmendedPlan", () => fillDate(page, "issued_on", "2026-11-25"));
  const plan = await connect(page, "AnnualReviewService/GetPlan", token, { planId: reg.streamId });
  expect(plan.amendedPlanIssuedOn).toEqual({ year: 2026, month: 11, day: 25 });
  expect(plan.allowedActions).not.toContain("IssueAmendedPlan");
  await expectAccessible(page, "plan page");
});

test("the QA lead audits a plan against the framework, and the officer reviews its outcomes", async ({ page }) => {
  const token = env("CASEWORK_OFFICER_TOKEN");
  const stamp = Date.now();
  const reg = await connect(page, "AnnualReviewService/RegisterPlan", token, {
    requestId: `web-q-${stamp}`, childId: `child-web-q-${stamp}`, officerId: "officer-01",
    issuedOn: { year: 2025, month: 12, day: 1 }, ncYear: 10,
    contents: { outcomes: [
      { outcomeId: "E1", area: "OUTCOME_AREA_EDUCATION", targetDate: { year: 2026, month: 12, day: 31 }, wording: "Reads aloud to the class" },
      { outcomeId: "E2", area: "OUTCOME_AREA_PFA_EMPLOYMENT", targetDate: { year: 2027, month: 7, day: 31 } },
    ] },
  });
  const framework = await connect(page, "AnnualReviewService/GetQaFramework", token, {});
  const criteria: { criterion: string; label: string }[] = framework.planCriteria;
  expect(criteria.length).toBe(9);

  // The QA lead: one question per criterion of the framework, named by its label.
  await signIn(page, "qa-lead", `/case/annual-reviews/${reg.streamId}`);
  // The QA lead is offered the audit alone, though the plan allows other steps.
  await expect(page.locator("#actions a")).toHaveText(["Audit plan"]);
  await page.locator("#actions").getByRole("link", { name: "Audit plan", exact: true }).click();
  await ready(page);
  for (const c of criteria) await expect(page.getByRole("group", { name: c.label, exact: true })).toBeVisible();
  await expectAccessible(page, "audit form");
  // Left unanswered, a criterion is refused and the refusal lands on its question.
  await page.check("input[name=kind][value=AUDIT_KIND_FULL]");
  await page.check("input[name=grade][value=AUDIT_GRADE_GOOD]");
  await submit(page, "Audit plan");
  await expect(page.locator(".govuk-error-summary")).toContainText("findings[0].result: is required");
  await expect(page.locator('[id="findings.0.result-error"]')).toBeVisible();
  await expectAccessible(page, "audit form with an error");
  for (const [i, c] of criteria.entries()) {
    const result = c.criterion === "outcomes_smart" ? "CRITERION_RESULT_NOT_MET" : "CRITERION_RESULT_MET";
    await page.check(`input[name="findings.${i}.result"][value=${result}]`);
  }
  await page.fill('[id="actions.0.action_id"]', "E-rewrite");
  await page.fill('[id="actions.0.section"]', "E");
  await page.fill('[id="actions.0.description"]', "Make each outcome measurable");
  await submit(page, "Audit plan");
  await page.waitForURL(/done=AuditPlan/);
  await ready(page);
  const audited = await connect(page, "AnnualReviewService/GetPlan", token, { planId: reg.streamId });
  expect(audited.audits).toHaveLength(1);
  expect(audited.audits[0].auditorId).toBe("qa-lead");
  expect(audited.audits[0].grade).toBe("AUDIT_GRADE_GOOD");
  expect(audited.audits[0].findings.map((f: { criterion: string; result: string }) => `${f.criterion}=${f.result}`))
    .toEqual(criteria.map((c) => `${c.criterion}=${c.criterion === "outcomes_smart" ? "CRITERION_RESULT_NOT_MET" : "CRITERION_RESULT_MET"}`));
  expect(audited.audits[0].actions[0].description).toBe("Make each outcome measurable");
  await expect(page.locator(`[data-audit="${audited.audits[0].auditId}"]`)).toContainText("Make each outcome measurable");
  await expectAccessible(page, "plan page with its audit");

  // The officer: the action is theirs to complete; the meeting judges each outcome.
  await page.evaluate(() => sessionStorage.clear());
  await signIn(page, "officer-01", `/case/annual-reviews/${reg.streamId}`);
  await step(page, "CompleteAuditAction", async () => {
    await page.check(`input[name=audit_id][value="${audited.audits[0].auditId}"]`);
    await page.check("input[name=action_id][value=E-rewrite]");
  });
  await step(page, "RecordMeetingHeld", async () => {
    await expect(page.getByRole("group", { name: "E2: PfA employment, target 31 July 2027" })).toBeVisible();
    await expectAccessible(page, "review meeting form");
    await fillDate(page, "held_on", "2026-11-02");
    await page.check("input[name=preparation_for_adulthood_covered]");
    await page.check('input[name="outcomes.0.progress"][value=OUTCOME_PROGRESS_ACHIEVED]');
    await page.check('input[name="outcomes.1.progress"][value=OUTCOME_PROGRESS_NOT_PROGRESSING]');
  });
  const reviewed = await connect(page, "AnnualReviewService/GetPlan", token, { planId: reg.streamId });
  expect(reviewed.outcomeReviews).toEqual([
    { outcomeId: "E1", progress: "OUTCOME_PROGRESS_ACHIEVED" },
    { outcomeId: "E2", progress: "OUTCOME_PROGRESS_NOT_PROGRESSING" }]);
  await expect(page.locator("#outcomes tr[data-outcome=E1]")).toContainText("Achieved");
  await expect(page.locator("#outcomes tr[data-outcome=E1]")).toContainText("Reads aloud to the class");
  await expect(page.locator("#outcomes tr[data-outcome=E2]")).toContainText("Not progressing");
  await expectAccessible(page, "plan page with outcomes");
});

test("the QA lead draws a dip sample and finds its plans on their worklist", async ({ page }) => {
  const token = env("CASEWORK_OFFICER_TOKEN");
  const stamp = Date.now();
  // A plan of officer-01 last issued on a day no demo plan was.
  const reg = await connect(page, "AnnualReviewService/RegisterPlan", token, {
    requestId: `web-s-${stamp}`, childId: `child-web-s-${stamp}`, officerId: "officer-01",
    issuedOn: { year: 2019, month: 3, day: 4 },
  });
  await signIn(page, "qa-lead", "/sample");
  await expect(page.locator("h1")).toHaveText("Draw a dip sample");
  await expectAccessible(page, "dip sample form");
  await page.fill('[id="sample_id"]', `web-sample-${stamp}`);
  await fillDate(page, "issued_from", "2019-03-04");
  await fillDate(page, "issued_to", "2019-03-04");
  await page.fill('[id="percent"]', "100");
  await submit(page, "Draw sample");
  await expect(page.locator(".govuk-panel__title")).toHaveText("Sample drawn");
  await expect(page.locator("#sample-plans")).toContainText(reg.streamId);
  await expectAccessible(page, "sample drawn");
  // The same name again draws nothing: refused, naming the sample.
  await page.goto("/sample");
  await ready(page);
  await page.fill('[id="sample_id"]', `web-sample-${stamp}`);
  await fillDate(page, "issued_from", "2019-03-04");
  await fillDate(page, "issued_to", "2019-03-04");
  await submit(page, "Draw sample");
  await expect(page.locator(".govuk-error-summary")).toContainText(`sample web-sample-${stamp} drew plan`);
  await expectAccessible(page, "dip sample form with an error");
  // On the QA lead's worklist (once the projection has it), due on the sample's day.
  const drawn = await connect(page, "AnnualReviewService/GetPlan", token, { planId: reg.streamId });
  expect(drawn.samples).toHaveLength(1);
  expect(drawn.samples[0].auditorId).toBe("qa-lead");
  await expect.poll(async () => {
    await page.goto("/worklist/qa-lead?process=annual-reviews");
    await ready(page);
    return (await page.locator("body").textContent()) ?? "";
  }, { timeout: 30_000 }).toContain(reg.streamId);
  await expect(page.locator(`#worklist a[href="/case/annual-reviews/${reg.streamId}"]`)).toBeVisible();
  await expect(page.locator("#new-cases")).toHaveCount(0);
  await expectAccessible(page, "QA lead's worklist");
});

test("an officer records a compliment and a survey's response through the forms", async ({ page }) => {
  const token = env("CASEWORK_OFFICER_TOKEN");
  const child = `child-web-f-${Date.now()}`;
  await signIn(page, "officer-01", `/new/feedback?child=${child}`);
  await expectAccessible(page, "feedback form");
  await page.check("input[name=kind][value=FEEDBACK_KIND_COMPLIMENT]");
  await page.fill('[id="process"]', "ehc-assessments");
  await page.fill('[id="text"]', "You kept us informed at every step");
  await submit(page, "Record feedback");
  await page.waitForURL(/\/case\/complaints\/[^/?]+\?done=RecordFeedback/);
  await ready(page);
  const compliment = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]);
  const got = await connect(page, "ComplaintsService/GetFeedback", token, { feedbackId: compliment });
  expect([got.kind, got.childId, got.officerId, got.text]).toEqual(
    ["FEEDBACK_KIND_COMPLIMENT", child, "officer-01", "You kept us informed at every step"]);
  await expectAccessible(page, "feedback page");
  // A survey sent, then its response from the case page.
  await page.goto(`/new/survey?child=${child}`);
  await ready(page);
  await page.check("input[name=survey][value=SURVEY_NEW_PLAN]");
  await page.fill('[id="process"]', "ehc-assessments");
  await submit(page, "Record survey sent");
  await page.waitForURL(/done=RecordSurveySent/);
  await ready(page);
  const survey = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]);
  await step(page, "RecordSurveyResponse", async () => {
    await page.fill('[id="score"]', "5");
  });
  const answered = await connect(page, "ComplaintsService/GetFeedback", token, { feedbackId: survey });
  expect([answered.survey, answered.score]).toEqual(["SURVEY_NEW_PLAN", 5]);
  await expect(page.locator("#actions a")).toHaveCount(0);
});

test("a complaint through stage 2", async ({ page }) => {
  const child = `child-web-k-${Date.now()}`;
  await signIn(page, "officer-01", `/new/complaint?child=${child}`);
  await page.check("input[name=complainant][value=COMPLAINANT_PARENT]");
  await page.check("input[name=subject][value=COMPLAINT_SUBJECT_EHC_ASSESSMENT]");
  await page.check("input[name=procedure][value=COMPLAINT_PROCEDURE_CORPORATE]");
  await fillDate(page, "received_on", "2026-10-01");
  await submit(page, "Log complaint");
  await page.waitForURL(/done=LogComplaint/);
  await ready(page);
  const id = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]);
  await step(page, "AcknowledgeComplaint", () => fillDate(page, "acknowledged_on", "2026-10-02"));
  await step(page, "RespondToComplaint", async () => {
    await page.check("input[name=finding][value=COMPLAINT_FINDING_NOT_UPHELD]");
    await fillDate(page, "responded_on", "2026-10-09");
  });
  await step(page, "EscalateComplaint", async () => {
    await fillDate(page, "escalated_on", "2026-10-12");
    await page.fill("[id=handler_id]", "manager-north");
  });
  await step(page, "AcknowledgeComplaint", () => fillDate(page, "acknowledged_on", "2026-10-13"));
  await step(page, "RespondToComplaint", async () => {
    await page.check("input[name=finding][value=COMPLAINT_FINDING_PARTLY_UPHELD]");
    await fillDate(page, "responded_on", "2026-10-30");
    await page.fill("[id=handler_id]", "manager-north");
  });
  const c = await connect(page, "ComplaintsService/GetComplaint", env("CASEWORK_OFFICER_TOKEN"), { complaintId: id });
  expect(c.stage).toBe(2);
  expect(c.status).toBe("COMPLAINT_STATUS_RESPONDED");
  const stage2 = c.clocks.find((k: { clockId: string }) => k.clockId === "stage2");
  expect(stage2.status).toBe("CLOCK_STATUS_MET");
});

test("a manager reassigns a case to another officer of the team", async ({ page }) => {
  const token = env("CASEWORK_OFFICER_TOKEN");
  const rec = await connect(page, "EhcAssessmentService/RecordRequest", token, {
    requestId: `web-m-${Date.now()}`, childId: `child-web-m-${Date.now()}`, officerId: "officer-01",
    receivedOn: { year: 2026, month: 11, day: 2 }, source: "REQUEST_SOURCE_PARENT", kind: "ASSESSMENT_KIND_FIRST",
  });
  await signIn(page, "manager-north", `/case/ehc-assessments/${rec.streamId}`);
  await step(page, "ReassignOfficer", async () => {
    await page.fill("[id=officer_id]", "officer-02");
  });
  const a = await connect(page, "EhcAssessmentService/GetAssessment", env("CASEWORK_MANAGER_TOKEN"), { assessmentId: rec.streamId });
  expect(a.officerId).toBe("officer-02");
  // The new officer's worklist has the case's clock (read-your-writes).
  const w = await connect(page, "ProjectionService/GetWorklist", env("CASEWORK_MANAGER_TOKEN"), {
    officerId: "officer-02", pageSize: 1000,
    after: [{ source: "ehc-assessments", streamId: rec.streamId, version: String(a.version) }],
  });
  expect(w.items.some((i: { streamId: string }) => i.streamId === rec.streamId)).toBe(true);
});
