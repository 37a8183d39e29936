// casectl review ... and casectl plans import FILE.csv: the annual reviews
// service from the command line.
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "casework/v1/annual_review.grpc.pb.h"
#include "libs/core/clock.h"
#include "libs/core/csv.h"
#include "tools/casectl/cli.h"
#include "tools/casectl/csv_import.h"

namespace casework::cli {
namespace {

std::unique_ptr<v1::AnnualReviewService::Stub> Stub(const Args& a,
                                                    const Client& client) {
  return v1::AnnualReviewService::NewStub(
      client.Channel(ServiceAddress(a, "reviews")));
}

void PrintPlan(const v1::Plan& p) {
  std::printf("plan %s  child %s  officer %s  %s (%s)\n", p.plan_id().c_str(),
              p.child_id().c_str(), p.officer_id().c_str(),
              EnumWord(v1::PlanStatus_Name(p.status()), 12).c_str(),
              EnumWord(v1::PlanOrigin_Name(p.origin()), 12).c_str());
  std::printf(
      "issued %s  review %d from %s  meeting %s  held %s  decision %s %s\n",
      Str(p.issued_on()).c_str(), p.cycle(), Str(p.cycle_from()).c_str(),
      Str(p.meeting_on()).c_str(), Str(p.meeting_held_on()).c_str(),
      p.decision() == v1::REVIEW_DECISION_UNSPECIFIED
          ? "-"
          : EnumWord(v1::ReviewDecision_Name(p.decision()), 16).c_str(),
      Str(p.decision_notified_on()).c_str());
  if (p.has_phase_transfer()) {
    std::printf(
        "phase transfer %s on %s: final by %s\n",
        EnumWord(v1::PhaseTransferKind_Name(p.phase_transfer().kind()), 20)
            .c_str(),
        Str(p.phase_transfer().move_on()).c_str(),
        Str(p.phase_transfer().deadline()).c_str());
  }
  for (const v1::PlanOutcome& o : p.contents().outcomes()) {
    std::string progress = "not yet reviewed";
    for (const v1::OutcomeReview& r : p.outcome_reviews()) {
      if (r.outcome_id() == o.outcome_id()) {
        progress =
            absl::StrCat(EnumWord(v1::OutcomeProgress_Name(r.progress()), 17),
                         " at ", Str(p.outcomes_reviewed_on()));
      }
    }
    std::printf("outcome %s  %s  target %s  %s%s%s\n", o.outcome_id().c_str(),
                EnumWord(v1::OutcomeArea_Name(o.area()), 13).c_str(),
                Str(o.target_date()).c_str(), progress.c_str(),
                o.wording().empty() ? "" : ": ", o.wording().c_str());
  }
  for (const v1::Audit& audit : p.audits()) {
    std::printf(
        "audit %s  %s %s by %s  %s plan of %s: %s\n", audit.audit_id().c_str(),
        EnumWord(v1::AuditKind_Name(audit.kind()), 11).c_str(),
        Str(audit.audited_on()).c_str(), audit.auditor_id().c_str(),
        EnumWord(v1::AuditedPlan_Name(audit.audited_plan()), 13).c_str(),
        Str(audit.plan_issued_on()).c_str(),
        audit.grade() == v1::AUDIT_GRADE_UNSPECIFIED
            ? "not graded"
            : EnumWord(v1::AuditGrade_Name(audit.grade()), 12).c_str());
    for (const v1::CriterionFinding& f : audit.findings()) {
      std::printf("  %-22s %s\n", f.criterion().c_str(),
                  EnumWord(v1::CriterionResult_Name(f.result()), 17).c_str());
    }
    for (const v1::AuditAction& a : audit.actions()) {
      std::printf("  action %s (section %s) due %s%s: %s\n",
                  a.action_id().c_str(),
                  a.section().empty() ? "-" : a.section().c_str(),
                  Str(a.due_on()).c_str(),
                  a.has_completed_on()
                      ? absl::StrCat(", done ", Str(a.completed_on())).c_str()
                      : "",
                  a.description().c_str());
    }
  }
  PrintClocks(p.clocks());
}

// --actions-file FILE.csv: a header row naming action_id, section and
// description (any order), then one action per row.
void AddActions(const std::string& path, v1::AuditPlanRequest* r) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die(absl::StrCat("--actions-file: cannot read ", path));
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text);
  if (!rows.ok()) Die(absl::StrCat(path, ": ", rows.status().message()));
  if (rows->empty()) Die(absl::StrCat(path, ": no header row"));
  int id = -1, section = -1, description = -1;
  const std::vector<std::string>& header = rows->front().fields;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string name = absl::AsciiStrToLower(header[i]);
    if (name == "action_id") id = static_cast<int>(i);
    if (name == "section") section = static_cast<int>(i);
    if (name == "description") description = static_cast<int>(i);
  }
  if (id < 0 || description < 0) {
    Die(absl::StrCat(path,
                     ": the header must name action_id and description "
                     "(and may name section)"));
  }
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    auto field = [&](int col) {
      return col >= 0 && static_cast<size_t>(col) < row.fields.size()
                 ? row.fields[static_cast<size_t>(col)]
                 : std::string();
    };
    v1::AuditAction* action = r->add_actions();
    action->set_action_id(field(id));
    action->set_section(absl::AsciiStrToUpper(field(section)));
    action->set_description(field(description));
  }
}

}  // namespace

int RunReview(const Args& a, Client& client) {
  auto stub = Stub(a, client);
  const std::string verb =
      Positional(a, 1, "review command (register, schedule, held, ...)");
  const std::string request_id = a.Get("request-id", NewUuid());
  auto id = [&] { return Positional(a, 2, "plan id"); };
  v1::CommandResult result;
  grpc::ClientContext ctx;
  client.Context(&ctx);
  grpc::Status s;
  if (verb == "register") {
    v1::RegisterPlanRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(a.Get("id"));
    r.set_child_id(Require(a, "child"));
    r.set_officer_id(Require(a, "officer"));
    *r.mutable_issued_on() = DateFlag(a, "issued");
    *r.mutable_last_decision_on() = DateFlag(a, "last-decision", false);
    *r.mutable_date_of_birth() = DateFlag(a, "dob", false);
    if (a.Has("nc-year")) {
      int year = 0;
      if (!absl::SimpleAtoi(a.Get("nc-year"), &year))
        Die("--nc-year takes a number (R = 0)");
      r.set_nc_year(year);
    }
    r.set_origin(a.Has("transfer-in") ? v1::PLAN_ORIGIN_TRANSFER_IN
                                      : v1::PLAN_ORIGIN_MIGRATED);
    r.set_transferred_from_la(a.Get("transferred-from"));
    *r.mutable_transferred_on() = DateFlag(a, "transferred-on", false);
    *r.mutable_contents() = ContentsFlags(a);
    s = stub->RegisterPlan(&ctx, r, &result);
  } else if (verb == "schedule") {
    v1::ScheduleReviewMeetingRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    *r.mutable_meeting_on() = DateFlag(a, "on");
    s = stub->ScheduleReviewMeeting(&ctx, r, &result);
  } else if (verb == "papers") {
    v1::RecordPapersSentRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    *r.mutable_sent_on() = DateFlag(a, "on");
    s = stub->RecordPapersSent(&ctx, r, &result);
  } else if (verb == "held") {
    v1::RecordMeetingHeldRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    *r.mutable_held_on() = DateFlag(a, "on");
    r.set_preparation_for_adulthood_covered(a.Has("pfa"));
    for (absl::string_view item :
         absl::StrSplit(a.Get("progress"), ',', absl::SkipWhitespace())) {
      const std::pair<std::string, std::string> kv =
          absl::StrSplit(item, absl::MaxSplits('=', 1));
      v1::OutcomeReview* o = r.add_outcomes();
      o->set_outcome_id(std::string(absl::StripAsciiWhitespace(kv.first)));
      o->set_progress(Pick<v1::OutcomeProgress>(
          {{"achieved", v1::OUTCOME_PROGRESS_ACHIEVED},
           {"progressing", v1::OUTCOME_PROGRESS_PROGRESSING},
           {"not-progressing", v1::OUTCOME_PROGRESS_NOT_PROGRESSING},
           {"no-longer-relevant", v1::OUTCOME_PROGRESS_NO_LONGER_RELEVANT}},
          "progress", kv.second));
    }
    s = stub->RecordMeetingHeld(&ctx, r, &result);
  } else if (verb == "decision") {
    v1::RecordReviewDecisionRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    r.set_decision(
        Pick<v1::ReviewDecision>({{"maintain", v1::REVIEW_DECISION_MAINTAIN},
                                  {"amend", v1::REVIEW_DECISION_AMEND},
                                  {"cease", v1::REVIEW_DECISION_CEASE}},
                                 "decision", Require(a, "decision")));
    *r.mutable_notified_on() = DateFlag(a, "on");
    s = stub->RecordReviewDecision(&ctx, r, &result);
  } else if (verb == "amended") {
    v1::IssueAmendedPlanRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    *r.mutable_issued_on() = DateFlag(a, "on");
    r.set_representations_complete(a.Has("representations-complete"));
    const v1::PlanContents contents = ContentsFlags(a);
    if (contents.ByteSizeLong() > 0) *r.mutable_contents() = contents;
    s = stub->IssueAmendedPlan(&ctx, r, &result);
  } else if (verb == "placement") {
    v1::RecordPlacementRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    v1::Placement* p = r.mutable_placement();
    p->set_placement_id(Require(a, "placement-id"));
    int rank = 1;
    if (a.Has("rank") && !absl::SimpleAtoi(a.Get("rank"), &rank)) {
      Die("--rank takes 1 (main) or 2 (second)");
    }
    const std::optional<v1::Setting> where = SettingFlags(a, "", rank);
    if (where) *p->mutable_establishment() = *where;
    p->mutable_establishment()->set_rank(rank);
    *p->mutable_entry_date() = DateFlag(a, "entry");
    *p->mutable_leaving_date() = DateFlag(a, "leaving", false);
    p->set_residential(ResidentialFlag(a));
    p->set_work_based(WorkBasedFlag(a));
    s = stub->RecordPlacement(&ctx, r, &result);
  } else if (verb == "not-amend") {
    v1::DecideNotToAmendRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    *r.mutable_decided_on() = DateFlag(a, "on");
    s = stub->DecideNotToAmend(&ctx, r, &result);
  } else if (verb == "early-review") {
    v1::DecideEarlyReviewRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    const std::string decision = Require(a, "decision");
    if (decision == "hold") {
      r.set_decision(v1::EARLY_REVIEW_DECISION_HOLD);
    } else if (decision == "not-needed") {
      r.set_decision(v1::EARLY_REVIEW_DECISION_NOT_NEEDED);
    } else {
      Die(absl::StrCat("--decision: '", decision,
                       "' is not hold or not-needed"));
    }
    *r.mutable_decided_on() = DateFlag(a, "on", false);
    s = stub->DecideEarlyReview(&ctx, r, &result);
  } else if (verb == "propose-cease") {
    v1::ProposeToCeaseRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    *r.mutable_proposed_on() = DateFlag(a, "on");
    s = stub->ProposeToCease(&ctx, r, &result);
  } else if (verb == "cease") {
    v1::CeasePlanRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    *r.mutable_ceased_on() = DateFlag(a, "on");
    r.set_reason(Pick<v1::CeaseReason>(
        {{"max-age", v1::CEASE_REASON_MAX_AGE},
         {"needs-met", v1::CEASE_REASON_NEEDS_MET},
         {"higher-education", v1::CEASE_REASON_HIGHER_EDUCATION},
         {"employment", v1::CEASE_REASON_EMPLOYMENT},
         {"transferred", v1::CEASE_REASON_TRANSFERRED_TO_ANOTHER_LA},
         {"no-engagement", v1::CEASE_REASON_NO_ENGAGEMENT},
         {"left-england", v1::CEASE_REASON_LEFT_ENGLAND},
         {"deceased", v1::CEASE_REASON_DECEASED},
         {"other", v1::CEASE_REASON_OTHER}},
        "reason", Require(a, "reason")));
    s = stub->CeasePlan(&ctx, r, &result);
  } else if (verb == "phase-transfer") {
    v1::SetPhaseTransferRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    r.set_kind(Pick<v1::PhaseTransferKind>(
        {{"school", v1::PHASE_TRANSFER_KIND_SCHOOL_PHASE},
         {"post16", v1::PHASE_TRANSFER_KIND_SECONDARY_TO_POST16},
         {"post16-move", v1::PHASE_TRANSFER_KIND_POST16_TO_POST16}},
        "kind", Require(a, "kind")));
    *r.mutable_move_on() = DateFlag(a, "move");
    *r.mutable_set_on() = DateFlag(a, "on", false);
    s = stub->SetPhaseTransfer(&ctx, r, &result);
  } else if (verb == "reassign") {
    v1::ReassignPlanOfficerRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    r.set_officer_id(Require(a, "officer"));
    *r.mutable_reassigned_on() = DateFlag(a, "on", false);
    s = stub->ReassignOfficer(&ctx, r, &result);
  } else if (verb == "audit") {
    v1::AuditPlanRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    r.set_audit_id(a.Get("id"));
    r.set_auditor_id(a.Get("auditor"));
    r.set_kind(
        Pick<v1::AuditKind>({{"full", v1::AUDIT_KIND_FULL},
                             {"dip-sample", v1::AUDIT_KIND_DIP_SAMPLE},
                             {"themed", v1::AUDIT_KIND_THEMED},
                             {"multi-agency", v1::AUDIT_KIND_MULTI_AGENCY}},
                            "kind", Require(a, "kind")));
    if (a.Has("grade")) {
      r.set_grade(Pick<v1::AuditGrade>(
          {{"outstanding", v1::AUDIT_GRADE_OUTSTANDING},
           {"good", v1::AUDIT_GRADE_GOOD},
           {"requires-improvement", v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT},
           {"inadequate", v1::AUDIT_GRADE_INADEQUATE}},
          "grade", a.Get("grade")));
    }
    *r.mutable_audited_on() = DateFlag(a, "on", false);
    AddFindings(a, &r);
    if (a.Has("actions-file")) AddActions(a.Get("actions-file"), &r);
    s = stub->AuditPlan(&ctx, r, &result);
  } else if (verb == "audit-done") {
    v1::CompleteAuditActionRequest r;
    r.set_request_id(request_id);
    r.set_plan_id(id());
    r.set_audit_id(Require(a, "audit"));
    r.set_action_id(Require(a, "action"));
    *r.mutable_completed_on() = DateFlag(a, "on", false);
    s = stub->CompleteAuditAction(&ctx, r, &result);
  } else if (verb == "sample") {
    v1::DrawSampleRequest r;
    r.set_request_id(request_id);
    r.set_sample_id(a.Get("id"));
    *r.mutable_issued_from() = DateFlag(a, "from");
    *r.mutable_issued_to() = DateFlag(a, "to");
    int percent = 0;
    if (a.Has("percent") && !absl::SimpleAtoi(a.Get("percent"), &percent)) {
      Die("--percent takes a whole number from 1 to 100");
    }
    r.set_percent(percent);
    r.set_team_id(a.Get("team"));
    r.set_auditor_id(a.Get("auditor"));
    v1::DrawSampleResponse out;
    s = stub->DrawSample(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf(
        "sample %s: %d of %d plans issued %s to %s%s, audits due %s%s\n",
        out.sample_id().c_str(), out.plan_ids_size(), out.population(),
        Str(r.issued_from()).c_str(), Str(r.issued_to()).c_str(),
        r.team_id().empty() ? ""
                            : absl::StrCat(" (team ", r.team_id(), ")").c_str(),
        Str(out.due_on()).c_str(),
        out.repeated() ? " (already drawn: nothing new)" : "");
    for (const std::string& plan : out.plan_ids()) {
      std::printf("%s\n", plan.c_str());
    }
    return 0;
  } else if (verb == "show") {
    v1::GetPlanRequest r;
    r.set_plan_id(id());
    v1::Plan out;
    s = stub->GetPlan(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
    } else {
      PrintPlan(out);
    }
    return 0;
  } else if (verb == "list") {
    v1::ListPlansRequest r;
    ListFilters(a, &r);
    v1::ListPlansResponse out;
    s = stub->ListPlans(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("%-24s %-12s %-12s %-11s %-6s %s\n", "PLAN", "CHILD", "OFFICER",
                "ISSUED", "REVIEW", "STATUS");
    for (const v1::Plan& p : out.plans()) {
      std::printf("%-24s %-12s %-12s %-11s %-6d %s\n", p.plan_id().c_str(),
                  p.child_id().c_str(), p.officer_id().c_str(),
                  Str(p.issued_on()).c_str(), p.cycle(),
                  EnumWord(v1::PlanStatus_Name(p.status()), 12).c_str());
    }
    if (!out.next_page_token().empty()) {
      std::printf("more: --page-token '%s'\n", out.next_page_token().c_str());
    }
    return 0;
  } else {
    Die(absl::StrCat("unknown review command '", verb,
                     "' (see casectl --help)"));
  }
  return client.PrintCommandResult(verb, s, result);
}

// plans import FILE.csv. Columns (header row required, any order):
//   plan_id (optional), child_id, officer_id, issued_on, last_decision_on,
//   date_of_birth, nc_year, origin (migrated | transfer_in)
// Every row is sent as RegisterPlan with the request id "import:<plan_id>" (or
// of the row's content), so importing the same file again writes nothing.
// Rejected rows are reported with their line number and reason; the rest are
// imported. Exit status 1 when any row was rejected.
int RunPlansImport(const Args& a, Client& client) {
  const std::string path = Positional(a, 2, "CSV file");
  CsvImport file(path, {"child_id", "officer_id", "issued_on"},
                 {"plan_id", "child_id", "officer_id", "issued_on",
                  "last_decision_on", "date_of_birth", "nc_year", "origin"},
                 "plan_id, child_id, officer_id, issued_on, last_decision_on, "
                 "date_of_birth, nc_year, origin");
  auto stub = Stub(a, client);
  int imported = 0, present = 0, status = 0;
  file.ForEach([&](const CsvImport::Row& row) {
    v1::RegisterPlanRequest r;
    r.set_plan_id(row.Get("plan_id"));
    r.set_child_id(row.Get("child_id"));
    r.set_officer_id(row.Get("officer_id"));
    auto date = [&](const char* name, v1::Date* out, bool required) {
      const std::string text = row.Get(name);
      if (text.empty()) {
        if (required) file.Reject(row, absl::StrCat(name, ": is required"));
        return !required;
      }
      absl::StatusOr<Date> d = Date::Parse(text);
      if (!d.ok()) {
        file.Reject(row, absl::StrCat(name, ": '", text,
                                      "' is not a date (YYYY-MM-DD)"));
        return false;
      }
      *out = ToProto(*d);
      return true;
    };
    if (!date("issued_on", r.mutable_issued_on(), true) ||
        !date("last_decision_on", r.mutable_last_decision_on(), false) ||
        !date("date_of_birth", r.mutable_date_of_birth(), false)) {
      return;
    }
    if (const std::string year = row.Get("nc_year"); !year.empty()) {
      int n = 0;
      if (!absl::SimpleAtoi(year, &n)) {
        file.Reject(row, absl::StrCat("nc_year: '", year, "' is not a number"));
        return;
      }
      r.set_nc_year(n);
    }
    const std::string origin = absl::AsciiStrToLower(row.Get("origin"));
    if (origin.empty() || origin == "migrated") {
      r.set_origin(v1::PLAN_ORIGIN_MIGRATED);
    } else if (origin == "transfer_in" || origin == "transfer-in") {
      r.set_origin(v1::PLAN_ORIGIN_TRANSFER_IN);
    } else {
      file.Reject(row, absl::StrCat("origin: '", origin,
                                    "' is not migrated or transfer_in"));
      return;
    }
    r.set_request_id(r.plan_id().empty()
                         ? absl::StrCat("import:", std::hash<std::string>{}(
                                                       r.SerializeAsString()))
                         : absl::StrCat("import:", r.plan_id()));
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::CommandResult result;
    grpc::Status s = stub->RegisterPlan(&ctx, r, &result);
    if (s.ok()) {
      (result.repeated() ? present : imported)++;
    } else if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
               s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
               s.error_code() == grpc::StatusCode::UNAVAILABLE) {
      // Not the row's fault: stop rather than report every row.
      std::fprintf(stderr, "%s: line %d: stopped: ", path.c_str(), row.line());
      status = client.Check(s);
      file.Stop();
    } else {
      file.Reject(row, s.error_message());
    }
  });
  if (status != 0) return status;
  if (client.json()) {
    client.PrintJsonObject({{"imported", absl::StrCat(imported)},
                            {"already_present", absl::StrCat(present)},
                            {"rejected", absl::StrCat(file.rejected())}},
                           {{"file", path}});
  } else {
    std::printf("%s: %d imported, %d already present, %d rejected\n",
                path.c_str(), imported, present, file.rejected());
  }
  return file.rejected() == 0 ? 0 : 1;
}

}  // namespace casework::cli
