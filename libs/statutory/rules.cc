#include "libs/statutory/rules.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace casework::statutory {
namespace {

constexpr uint32_t Bit(ExceptionKind k) { return 1u << static_cast<int>(k); }

// Regs 5(4), 10(4), 13(3) and 27(3): closures (a)/(b),
// exceptional personal circumstances (c), absence from the area (d).
constexpr uint32_t kAssessmentExceptions =
    Bit(ExceptionKind::kSchoolClosure) |
    Bit(ExceptionKind::kEarlyYearsSettingClosure) |
    Bit(ExceptionKind::kExceptionalPersonalCircumstances) |
    Bit(ExceptionKind::kAbsenceFromArea);

// Reg 8(2): exceptional circumstances, absence of 4 weeks, a missed
// appointment. A closure is not on this list, and a missed appointment is on no
// other.
constexpr uint32_t kAdviceExceptions =
    Bit(ExceptionKind::kExceptionalPersonalCircumstances) |
    Bit(ExceptionKind::kAbsenceFromArea) |
    Bit(ExceptionKind::kMissedAppointment);

constexpr std::array<ClockRule, 37> kRules = {{
    {RuleId::kEhcDecisionToAssess, "ehc.decision_to_assess",
     "Decide whether to assess and notify the family", Unit::kCalendarWeeks, 6,
     "the day the LA received the request",
     "SEND Regulations 2014 reg 5(1); exceptions reg 5(4)",
     kAssessmentExceptions, false},
    {RuleId::kEhcAdvice, "ehc.advice", "Adviser returns advice",
     Unit::kCalendarWeeks, 6, "the day the LA requested the advice",
     "SEND Regulations 2014 reg 8(1); exceptions reg 8(2)", kAdviceExceptions,
     false},
    {RuleId::kEhcNoPlanDecision, "ehc.no_plan_decision",
     "Decide, after assessing, whether to issue a plan (a decision not to "
     "issue)",
     Unit::kCalendarWeeks, 16, "the day the LA received the request",
     "SEND Regulations 2014 reg 10(1); exceptions reg 10(4)",
     kAssessmentExceptions, false},
    // Reg 13(1): "at least 15 days beginning with the day on which the draft
    // plan was served": the last day is service + 14.
    {RuleId::kEhcDraftComment, "ehc.draft_comment",
     "Family's period to comment on the draft plan and request a school",
     Unit::kCalendarDays, 15,
     "the day the draft plan was served (its first day)",
     "SEND Regulations 2014 reg 13(1)", 0, true, /*includes_start_day=*/true},
    {RuleId::kEhcFinalPlan, "ehc.final_plan", "Issue the final EHC plan",
     Unit::kCalendarWeeks, 20, "the day the LA received the request",
     "SEND Regulations 2014 reg 13(2); exceptions reg 13(3)",
     kAssessmentExceptions, false},
    // Reg 25(1): "within 15 days of receiving a request" for a re-assessment;
    // the regulations give this limit no exceptions.
    {RuleId::kEhcReassessmentDecision, "ehc.reassessment_decision",
     "Decide whether to re-assess the plan and notify the family",
     Unit::kCalendarDays, 15,
     "the day the LA received the re-assessment "
     "request",
     "SEND Regulations 2014 reg 25(1)", 0, false},
    // Reg 27(2): 14 weeks from the notification under reg 25(1) (the decision
    // to re-assess), not from the request; exceptions reg 27(3). Reg 10's 16
    // weeks do not apply to a re-assessment (reg 26 applies regs 6-9 only).
    {RuleId::kEhcReassessmentFinalPlan, "ehc.reassessment_final_plan",
     "Issue the final amended or replacement plan after a re-assessment",
     Unit::kCalendarWeeks, 14,
     "the day the LA notified its decision to re-assess (reg 25(1))",
     "SEND Regulations 2014 reg 27(2); exceptions reg 27(3)",
     kAssessmentExceptions, false},
    // Annual reviews: no exceptions apply to review clocks.
    {RuleId::kReviewAnnual, "review.annual",
     "Review the plan (the review ends when the decision is notified)",
     Unit::kCalendarMonths, 12,
     "the day the plan was issued, then the day the last review decision was "
     "notified",
     "Children and Families Act 2014 s.44(1); SEND Regulations 2014 reg 18", 0,
     false},
    {RuleId::kReviewUnder5, "review.under_5",
     "Review the plan of a child under 5 (default every 6 months)",
     Unit::kCalendarMonths, 6,
     "the day the plan was issued, then the day the last review decision was "
     "notified",
     "SEND Code of Practice 2015 para 9.178 (every 3 to 6 months)", 0, false},
    {RuleId::kReviewPapers, "review.meeting_papers",
     "Invite to the review meeting and circulate advice at least 2 weeks "
     "before it",
     Unit::kCalendarDays, -14, "the date set for the review meeting",
     "SEND Regulations 2014 reg 20(3)-(4)", 0, false},
    {RuleId::kReviewDecision, "review.decision",
     "Notify the review decision (maintain, amend or cease)",
     Unit::kCalendarWeeks, 4, "the day of the review meeting",
     "SEND Regulations 2014 reg 20(10)", 0, false},
    {RuleId::kReviewAmendmentComment, "review.amendment_comment",
     "Family's period to comment on the proposed amendments",
     Unit::kCalendarDays, 15, "the day the amendment notice was sent",
     "SEND Regulations 2014 reg 22(2)(c)", 0, true},
    {RuleId::kReviewAmendedPlan, "review.amended_plan",
     "Issue the final amended plan", Unit::kCalendarWeeks, 8,
     "the day the amendment notice was sent", "SEND Regulations 2014 reg 22(3)",
     0, false},
    {RuleId::kReviewAmendedPlanFromMeeting, "review.amended_plan_from_meeting",
     "Issue the final amended plan within 12 weeks of the review meeting",
     Unit::kCalendarWeeks, 12, "the day of the review meeting",
     "SEND Regulations 2014 regs 20(10) and 22(3) (4 + 8 weeks); R (L) v "
     "Devon CC [2022] EWHC 493 (Admin)",
     0, false},
    {RuleId::kReviewPhaseTransfer, "review.phase_transfer",
     "Finalise the amended plan naming the next school or institution",
     Unit::kFixedDate, 0,
     "the move: 15 February or 31 March of its year, or 5 months before it",
     "SEND Regulations 2014 reg 18", 0, false},
    // Home-to-school travel. The decision time is the LA's own target
    // (configurable; this is the default); review and appeal times are the
    // DfE's statutory guidance.
    {RuleId::kTransportDecision, "transport.decision",
     "Decide the travel application and notify the family", Unit::kWorkingDays,
     20, "the day the application was received",
     "LA target (default 20 working days); DfE Travel to school for children "
     "of compulsory school age (2024)",
     0, false},
    {RuleId::kTransportInPlace, "transport.in_place",
     "Travel arrangements in place for the first day of term", Unit::kFixedDate,
     0, "the start of the term the child needs it for",
     "Education Act 1996 s.508B(1)", 0, false},
    {RuleId::kTransportStage1, "transport.stage1_review",
     "Stage 1 review decision", Unit::kWorkingDays, 20,
     "the day the family asked for the review",
     "DfE Travel to school for children of compulsory school age (2024), "
     "review and appeals: stage 1",
     0, false},
    {RuleId::kTransportStage2Panel, "transport.stage2_panel",
     "Stage 2 independent appeal panel decision", Unit::kWorkingDays, 40,
     "the day the family asked for stage 2",
     "DfE Travel to school for children of compulsory school age (2024), "
     "review and appeals: stage 2",
     0, false},
    {RuleId::kTransportStage2Outcome, "transport.stage2_outcome",
     "Written outcome of the stage 2 panel", Unit::kWorkingDays, 5,
     "the day the panel decided",
     "DfE Travel to school for children of compulsory school age (2024), "
     "review and appeals: stage 2",
     0, false},
    // Complaints. Council (corporate) complaints have no statutory timescale:
    // these are the Ombudsman's Complaint Handling Code defaults, which the
    // service lets an LA configure.
    {RuleId::kComplaintAcknowledge, "complaint.acknowledge",
     "Acknowledge the complaint", Unit::kWorkingDays, 5,
     "the day the complaint was received",
     "LGSCO Complaint Handling Code (from 1 April 2026): acknowledge within 5 "
     "working days",
     0, false},
    {RuleId::kComplaintStage1, "complaint.stage1", "Stage 1 reply",
     Unit::kWorkingDays, 10, "the day the complaint was acknowledged",
     "LGSCO Complaint Handling Code: stage 1 within 10 working days of the "
     "acknowledgement (one extension of up to 10)",
     0, false},
    {RuleId::kComplaintStage2Acknowledge, "complaint.stage2_acknowledge",
     "Acknowledge the stage 2 escalation", Unit::kWorkingDays, 5,
     "the day the complainant asked to escalate to stage 2",
     "LGSCO Complaint Handling Code, part 6: the escalation acknowledged "
     "within 5 working days",
     0, false},
    {RuleId::kComplaintStage2, "complaint.stage2", "Stage 2 reply",
     Unit::kWorkingDays, 20, "the day the stage 2 escalation was acknowledged",
     "LGSCO Complaint Handling Code, part 6: stage 2 within 20 working days "
     "of the acknowledgement (one extension of up to 20)",
     0, false},
    {RuleId::kCscStage1, "complaint.csc_stage1",
     "Children's social care complaint: stage 1 response", Unit::kWorkingDays,
     10, "the day the complaint was received",
     "Children Act 1989 Representations Procedure (England) Regulations 2006 "
     "(SI 2006/1738): 10 working days, up to 20",
     0, false},
    {RuleId::kCscStage2, "complaint.csc_stage2",
     "Children's social care complaint: stage 2 investigation",
     Unit::kWorkingDays, 25, "the day stage 2 was requested",
     "SI 2006/1738: 25 working days, up to 65", 0, false},
    {RuleId::kCscStage3, "complaint.csc_stage3",
     "Children's social care complaint: stage 3 review panel",
     Unit::kWorkingDays, 30, "the day stage 3 was requested",
     "SI 2006/1738: review panel within 30 working days", 0, false},
    {RuleId::kMediationCertificate, "mediation.certificate",
     "Issue the mediation certificate", Unit::kWorkingDays, 3,
     "the day mediation was declined or ended",
     "SEND Regulations 2014 regs 32-42 (mediation): certificate within 3 "
     "working days",
     0, false},
    {RuleId::kMediationHeld, "mediation.held", "Hold the mediation",
     Unit::kCalendarDays, 30,
     "the day the mediation adviser was told the family wants mediation",
     "SEND Regulations 2014 regs 32-42 (mediation): held within 30 days", 0,
     false},
    {RuleId::kOrderAssess, "tribunal.order_assess",
     "Tribunal order to assess: notify the decision to assess",
     Unit::kCalendarWeeks, 2, "the day the order was made",
     "SEND Regulations 2014 reg 44 (compliance with Tribunal orders)", 0,
     false},
    {RuleId::kOrderDraftPlan, "tribunal.order_draft_plan",
     "Tribunal order to make a plan: issue the draft", Unit::kCalendarWeeks, 5,
     "the day the order was made",
     "SEND Regulations 2014 reg 44 (compliance with Tribunal orders)", 0,
     false},
    {RuleId::kOrderFinalPlan, "tribunal.order_final_plan",
     "Tribunal order to make a plan: issue the final plan",
     Unit::kCalendarWeeks, 11, "the day the order was made",
     "SEND Regulations 2014 reg 44 (compliance with Tribunal orders)", 0,
     false},
    {RuleId::kOrderAmendPlan, "tribunal.order_amend_plan",
     "Tribunal order to amend the plan: issue the amended plan",
     Unit::kCalendarWeeks, 5, "the day the order was made",
     "SEND Regulations 2014 reg 44 (compliance with Tribunal orders)", 0,
     false},
    {RuleId::kOrderNamedSchool, "tribunal.order_named_school",
     "Tribunal order changing only the named school: issue the amended plan",
     Unit::kCalendarWeeks, 2, "the day the order was made",
     "SEND Regulations 2014 reg 44 (compliance with Tribunal orders)", 0,
     false},
    // Quality assurance (local policy: the LA's QA framework).
    {RuleId::kQualityAuditAction, "quality.audit_action",
     "Complete an action from a quality audit of the plan", Unit::kWorkingDays,
     20, "the day of the audit",
     "LA quality assurance framework (local policy; default 20 working days, "
     "set by the framework's action_working_days)",
     0, false},
    {RuleId::kQualitySampleAudit, "quality.sample_audit",
     "Audit a plan drawn in a dip sample", Unit::kWorkingDays, 20,
     "the day the sample was drawn",
     "LA quality assurance framework (local policy; default 20 working days, "
     "set by the framework's sample_working_days)",
     0, false},
    // School events (libs/statutory/school.h): the DfE's suspension and
    // permanent exclusion guidance expects an early review of the plan of a
    // pupil at risk of exclusion to be considered; the trigger and the time
    // are the LA's.
    {RuleId::kReviewConsiderEarlyReview, "review.consider_early_review",
     "Consider an early review (permanent exclusion, or a second suspension "
     "in a term)",
     Unit::kWorkingDays, 10, "the day the school event was taken in",
     "DfE suspension and permanent exclusion guidance (pupils with an EHC "
     "plan: consider an early or interim review); CFA 2014 s.44 (review at "
     "any time); local policy: 10 working days",
     0, false},
}};

}  // namespace

absl::string_view ExceptionKindName(ExceptionKind kind) {
  switch (kind) {
    case ExceptionKind::kSchoolClosure:
      return "school or post-16 institution closure (a)";
    case ExceptionKind::kEarlyYearsSettingClosure:
      return "early-years setting closure (b)";
    case ExceptionKind::kExceptionalPersonalCircumstances:
      return "exceptional personal circumstances (c)";
    case ExceptionKind::kAbsenceFromArea:
      return "absence from the area for 4 weeks or more (d)";
    case ExceptionKind::kMissedAppointment:
      return "missed appointment for an examination or test";
  }
  return "unknown";
}

Date ClockRule::DueDate(Date start, const Calendar& calendar) const {
  switch (unit) {
    case Unit::kCalendarDays:
      return start.AddDays(includes_start_day ? amount - 1 : amount);
    case Unit::kCalendarWeeks:
      return start.AddWeeks(amount);
    case Unit::kCalendarMonths:
      return start.AddMonths(amount);
    case Unit::kWorkingDays:
      return calendar.AddWorkingDays(start, amount);
    case Unit::kFixedDate:
      return start;  // the caller computes the date (PhaseTransferDeadline)
  }
  return start;
}

int NcYearOn(int nc_year, Date as_of, Date on) {
  auto academic_year = [](Date d) {
    return d.month() >= 9 ? d.year() : d.year() - 1;
  };
  return nc_year + (academic_year(on) - academic_year(as_of));
}

int AgeOn(Date dob, Date on) {
  int age = on.year() - dob.year();
  if (on.month() < dob.month() ||
      (on.month() == dob.month() && on.day() < dob.day())) {
    --age;
  }
  return age;
}

Date LastDayOfMonthsStartingWith(Date start, int months) {
  // The corresponding date `months` later; the period ends the day before it.
  // With no corresponding date (29 February in a common year; the 31st of a
  // 30-day month) the period ends on the last day of that month (Dodds v
  // Walker [1981] 1 WLR 1441: AddMonths clamps to it).
  const Date corresponding = start.AddMonths(months);
  if (corresponding.day() != start.day()) return corresponding;
  return corresponding.AddDays(-1);
}

Date ReviewDue(Date from, Date dob, int under5_months) {
  const bool known = dob != Date();
  // Under 5: the Code of Practice's interval (9.178: every 3 to 6 months),
  // counted as a period from the review, not as a statutory "starting with".
  if (known && AgeOn(dob, from) < 5) return from.AddMonths(under5_months);
  // CFA 2014 s.44(1): "in the period of 12 months starting with" the plan or
  // the last review: the period includes that day and ends the day before
  // the anniversary.
  return LastDayOfMonthsStartingWith(from, Rule(RuleId::kReviewAnnual).amount);
}

namespace {

// A working day of the Tribunal Procedure Rules (HESC Rules 2008 r.1(3)): not
// a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday. The LA's
// own closures do not count: the Tribunal's days are national.
bool TribunalWorkingDay(Date d, const Calendar& calendar) {
  const Weekday w = d.weekday();
  return w != Weekday::kSaturday && w != Weekday::kSunday &&
         !calendar.IsBankHoliday(d);
}

Date NextTribunalWorkingDay(Date d, const Calendar& calendar) {
  while (!TribunalWorkingDay(d, calendar)) d = d.AddDays(1);
  return d;
}

}  // namespace

Date TribunalAppealDeadline(Date letter, Date certificate,
                            const Calendar& calendar) {
  Date d = letter.AddMonths(2);
  if (certificate != Date()) d = std::max(d, certificate.AddMonths(1));
  if ((d.month() == 12 && d.day() >= 25) || (d.month() == 1 && d.day() == 1)) {
    // r.12(3)(a): 25 December to 1 January: the first working day after
    // 1 January.
    return NextTribunalWorkingDay(
        Date::Ymd(d.month() == 12 ? d.year() + 1 : d.year(), 1, 2), calendar);
  }
  if (d.month() == 8) {
    // r.12(3)(a): in August: the first working day after 31 August.
    return NextTribunalWorkingDay(Date::Ymd(d.year(), 9, 1), calendar);
  }
  // r.12(2): an act due on a day that is not a working day is in time on the
  // next working day.
  return NextTribunalWorkingDay(d, calendar);
}

Date PhaseTransferDeadline(PhaseTransfer kind, Date move_on) {
  switch (kind) {
    case PhaseTransfer::kSchoolPhase:
      // Reg 18(1)(a): "before 15 February": the last day is 14 February.
      return Date::Ymd(move_on.year(), 2, 14);
    case PhaseTransfer::kSecondaryToPost16:
      // Reg 18(1)(b): "before 31 March": the last day is 30 March.
      return Date::Ymd(move_on.year(), 3, 30);
    case PhaseTransfer::kPost16ToPost16:
      return move_on.AddMonths(-5);
  }
  return move_on;
}

std::span<const ClockRule> AllRules() { return kRules; }

const ClockRule& Rule(RuleId id) {
  const ClockRule& rule = kRules[static_cast<size_t>(id)];
  assert(rule.id == id);
  return rule;
}

const ClockRule* FindRule(absl::string_view code) {
  for (const ClockRule& rule : kRules) {
    if (rule.code == code) return &rule;
  }
  return nullptr;
}

}  // namespace casework::statutory
