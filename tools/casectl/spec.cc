#include "tools/casectl/spec.h"

namespace casework::cli {

// The flags of what a plan names (ContentsFlags in cli.h).
#define CASEWORK_CONTENTS_FLAGS                                              \
  " urn ukprn setting=ola|opa|ehe|eyp|oth|neet|niec|nieo setting-other "     \
  "sen-unit? resourced-provision? second-urn second-ukprn "                  \
  "second-setting=ola|opa|ehe|eyp|oth|neet|niec|nieo needs residential=a|b " \
  "work-based=a|t|s personal-budget? organised-arrangements? "               \
  "direct-payments=e|s|h|i outcomes"

const std::vector<CommandSpec>& Commands() {
  static const auto* const kCommands = new std::vector<CommandSpec>{
      // EHC needs assessments (ehc-assessments).
      {"ehc request", "",
       "child! officer! received@! "
       "source=parent|young-person|school|health|social-care|other "
       "kind=first|reassessment id dob@ plan rya?",
       "Record a request for an EHC needs assessment (--dob: the child's date "
       "of birth, for the plan's under-5 reviews; --plan: the plan a "
       "re-assessment re-assesses)"},
      {"ehc decide-assess", "ID", "on@!", "Decide to assess"},
      {"ehc decide-not-assess", "ID", "on@!", "Decide not to assess"},
      {"ehc request-advice", "ID",
       "type=ep|health|social-care|setting|pfa|other|specialist-teacher! on@! "
       "adviser advice-id",
       "Ask an adviser for advice"},
      {"ehc advice-received", "ID", "advice-id! on@!",
       "Record advice received"},
      {"ehc exception", "ID",
       "kind=closure|early-years-closure|personal|absence|missed-appointment! "
       "from@! to@ advice-id note",
       "Record an exception to a time limit"},
      {"ehc draft", "ID", "on@!", "Issue the draft plan"},
      {"ehc no-plan", "ID", "on@!", "Decide not to issue a plan"},
      {"ehc final", "ID",
       "on@! representations-complete? nc-year#" CASEWORK_CONTENTS_FLAGS,
       "Issue the final plan (with the settings, needs, budget and outcomes "
       "it names - --outcomes ID:AREA:TARGET,... with AREA education, "
       "health, social-care, pfa-employment, pfa-independent-living, "
       "pfa-community or pfa-health - and the child's NC year)"},
      {"ehc audit-advice", "ID",
       "advice-id! kind=full|dip-sample|themed|multi-agency! "
       "grade=outstanding|good|requires-improvement|inadequate on@ auditor id "
       "met partly-met not-met not-applicable",
       "Record a quality audit of advice received (--met, --partly-met, "
       "--not-met, --not-applicable: comma-separated advice criteria of the "
       "LA's QA framework)"},
      {"ehc audit-draft", "ID",
       "kind=full|dip-sample|themed|multi-agency! "
       "grade=outstanding|good|requires-improvement|inadequate on@ auditor id "
       "met partly-met not-met not-applicable",
       "Record a quality audit of the draft plan (--met, --partly-met, "
       "--not-met, --not-applicable: comma-separated plan criteria of the "
       "LA's QA framework)"},
      {"ehc withdraw", "ID", "on@!", "Record that the request was withdrawn"},
      {"ehc moved-out", "ID", "on@! to-la",
       "Record that the child moved away (--to-la: the LA's 3-digit number)"},
      {"ehc reassign", "ID", "officer! on@", "Give the case another officer"},
      {"ehc show", "ID", "", "Show an assessment and its clocks"},
      {"ehc list", "", "child|officer page-size# page-token",
       "List assessments of a child or an officer"},
      // Annual reviews (annual-reviews).
      {"review register", "",
       "child! officer! issued@! last-decision@ dob@ nc-year# transfer-in? id "
       "transferred-from transferred-on@" CASEWORK_CONTENTS_FLAGS,
       "Register an existing plan (migration or transfer in)"},
      {"review schedule", "PLAN", "on@!", "Schedule the review meeting"},
      {"review papers", "PLAN", "on@!", "Record the papers sent"},
      {"review held", "PLAN", "on@! pfa? progress",
       "Record the review meeting held (--progress ID=achieved|progressing|"
       "not-progressing|no-longer-relevant,... for every outcome of the "
       "plan)"},
      {"review decision", "PLAN", "decision=maintain|amend|cease! on@!",
       "Record the review decision notified"},
      {"review amended", "PLAN",
       "on@! representations-complete?" CASEWORK_CONTENTS_FLAGS,
       "Issue the amended plan"},
      {"review not-amend", "PLAN", "on@!", "Decide not to amend"},
      {"review early-review", "PLAN", "decision=hold|not-needed! on@",
       "Answer 'consider an early review' (after a permanent exclusion or a "
       "second suspension in a term)"},
      {"review placement", "PLAN",
       "placement-id! rank# entry@! leaving@ urn ukprn "
       "setting=ola|opa|ehe|eyp|oth|neet|niec|nieo setting-other sen-unit? "
       "resourced-provision? residential=a|b work-based=a|t|s",
       "Record where the child attends (again with --leaving when they "
       "leave)"},
      {"review propose-cease", "PLAN", "on@!", "Propose to cease the plan"},
      {"review cease", "PLAN",
       "on@! reason=max-age|needs-met|higher-education|employment|transferred|"
       "no-engagement|left-england|deceased|other!",
       "Cease the plan"},
      {"review phase-transfer", "PLAN",
       "kind=school|post16|post16-move! move@! on@",
       "Set a phase transfer and its deadline"},
      {"review reassign", "PLAN", "officer! on@",
       "Give the plan another officer"},
      {"review audit", "PLAN",
       "kind=full|dip-sample|themed|multi-agency! "
       "grade=outstanding|good|requires-improvement|inadequate on@ auditor id "
       "met partly-met not-met not-applicable actions-file",
       "Record a quality audit of the plan as last issued (--met, "
       "--partly-met, --not-met, --not-applicable: comma-separated criteria "
       "of the LA's QA framework; --actions-file: a CSV of action_id, "
       "section, description for the plan's officer)"},
      {"review audit-done", "PLAN", "audit! action! on@",
       "Record an audit action completed"},
      {"review sample", "", "from@! to@! percent# team auditor id",
       "Draw a dip sample of the plans last issued from --from to --to (the "
       "QA framework's rate unless --percent; a team's plans with --team); "
       "each plan drawn goes on the auditor's worklist"},
      {"review show", "PLAN", "", "Show a plan and its clocks"},
      {"review list", "", "child|officer page-size# page-token",
       "List plans of a child or an officer"},
      {"plans import", "FILE", "",
       "Register plans from a CSV file (plan_id, child_id, officer_id, "
       "issued_on, last_decision_on, date_of_birth, nc_year, origin)"},
      // Home-to-school transport (transport).
      {"transport apply", "",
       "child! officer! received@! dob@! academic-year#! walking-miles% "
       "road-miles% school nearest? three-nearest? religion-or-belief? sen? "
       "unsafe-route? low-income? post16? needed-from@ id",
       "Record a travel application (the statutory outcome is computed)"},
      {"transport assess", "",
       "dob@! academic-year#! walking-miles% road-miles% school nearest? "
       "three-nearest? religion-or-belief? sen? unsafe-route? low-income? "
       "post16? needed-from@",
       "The statutory outcome for these facts (records nothing)"},
      {"transport decide", "ID",
       "decision=eligible|discretionary|post16|refused! on@! reason",
       "Record the LA's decision"},
      {"transport arrange", "ID",
       "type=taxi|minibus|bus-pass|ptb|mileage|itt! starts@! on@",
       "Record the travel arrangement"},
      {"transport change", "ID",
       "type=taxi|minibus|bus-pass|ptb|mileage|itt! starts@!",
       "Change the travel arrangement"},
      {"transport end", "ID", "on@!", "End the arrangement"},
      {"transport itt-started", "ID", "on@!", "Travel training started"},
      {"transport itt-completed", "ID", "on@!", "Travel training completed"},
      {"transport review", "ID", "on@!", "A stage 1 review was requested"},
      {"transport review-decision", "ID", "outcome=upheld|changed! on@!",
       "The stage 1 review decision"},
      {"transport appeal", "ID", "on@!", "A stage 2 appeal was requested"},
      {"transport panel", "ID", "outcome=upheld|changed! on@!",
       "The stage 2 panel decision"},
      {"transport written-outcome", "ID", "on@!",
       "The panel's written outcome was sent"},
      {"transport reassign", "ID", "officer! on@",
       "Give the application another officer"},
      {"transport show", "ID", "", "Show an application and its clocks"},
      {"transport list", "", "child|officer page-size# page-token",
       "List applications of a child or an officer"},
      // Complaints and disagreements (complaints).
      {"feedback record", "",
       "child! officer! kind=compliment|survey-response|comment! "
       "process=ehc-assessments|annual-reviews|transport|complaints! "
       "survey=new-plan|annual-family|annual-review|transport|"
       "complaint-handling|other score# case on@ text id",
       "Record a compliment, comment or survey response about a case and its "
       "officer (--score 1-5 for a survey with a score; --text stays out of "
       "events)"},
      {"feedback survey", "",
       "child! officer! survey=new-plan|annual-family|annual-review|"
       "transport|complaint-handling|other! "
       "process=ehc-assessments|annual-reviews|transport|complaints! case "
       "on@ id",
       "Record a survey sent to a family"},
      {"feedback answer", "ID", "score# on@ text",
       "Record the response to a survey sent"},
      {"feedback show", "ID", "", "Show feedback and its text"},
      {"complaint log", "",
       "child! officer! "
       "subject=assessment|plan|review|transport|provision|communication|"
       "other! received@! procedure=corporate|social-care "
       "complainant=parent|young-person|advocate|school|other process id",
       "Log a complaint"},
      {"complaint ack", "ID", "on@!",
       "Acknowledge a complaint, or its escalation to stage 2"},
      {"complaint extend", "ID", "working-days#! reason!",
       "Extend the response time"},
      {"complaint respond", "ID",
       "finding=upheld|partly|not-upheld! on@! handler remedy?",
       "Record the response"},
      {"complaint escalate", "ID", "on@! handler",
       "Escalate to the next stage"},
      {"complaint ombudsman", "ID", "on@!", "Referred to the Ombudsman"},
      {"complaint ombudsman-decision", "ID",
       "finding=fault|fault-remedy|no-fault|not-investigated! on@!",
       "The Ombudsman's decision"},
      {"complaint withdraw", "ID", "on@!", "The complaint was withdrawn"},
      {"complaint close", "ID", "on@!", "Close the complaint"},
      {"complaint show", "ID", "", "Show a complaint and its clocks"},
      {"disagreement record", "",
       "child! officer! "
       "decision=refusal-to-assess|refusal-to-issue|plan-contents|"
       "review-decision|ceasing! letter@! process id",
       "Record a disagreement with an appealable decision"},
      {"disagreement mediation-contact", "ID", "on@! declined?",
       "Mediation advice given (--declined: mediation not wanted)"},
      {"disagreement mediation-held", "ID",
       "outcome=agreed|partly|not-agreed! on@!", "Mediation held"},
      {"disagreement certificate", "ID", "on@!",
       "Mediation certificate issued"},
      {"disagreement appeal", "ID", "on@!", "Tribunal appeal registered"},
      {"disagreement tribunal-decision", "ID",
       "outcome=allowed|partly|dismissed|conceded|withdrawn! on@!",
       "The Tribunal's decision"},
      {"disagreement order", "ID",
       "kind=assess|make-plan|amend-plan|named-school! on@! order-id",
       "A Tribunal order to comply with"},
      {"disagreement comply", "ID", "order-id! step=done|draft|final on@!",
       "A step taken to comply with an order"},
      {"disagreement show", "ID", "", "Show a disagreement and its clocks"},
      // The projection: timelines, worklists, scorecards (projection).
      {"timeline", "CHILD", "", "Every event of a child, readable"},
      {"worklist", "OFFICER", "as-of@", "Open clocks by due date"},
      {"scorecard", "OFFICER", "from@ to@ as-of@",
       "An officer's measures (default: the last 12 months)"},
      {"team-scorecard", "TEAM", "sort-by desc? from@ to@",
       "A team's officers side by side, with totals (managers)"},
      {"la-scorecard", "", "sort-by desc? from@ to@",
       "Every team side by side, with the LA's totals (head of service)"},
      {"exceptions", "", "officer|team|la? measure! from@ to@",
       "The cases behind a measure: missed and overdue (managers; --la: "
       "head of service)"},
      {"trend", "", "officer|team|la? measure! months# to@",
       "A measure month by month (--la: head of service)"},
      {"at-risk", "", "officer|team|la? as-of@",
       "Open assessments forecast to miss 20 weeks, and what holds each up "
       "(an officer's own, a manager's team, --la: head of service)"},
      {"forecast-backtest", "", "from@! to@! horizon# as-of@",
       "How the early warning would have done on the assessments due in a "
       "period, beside a naive rule (head of service)"},
      // Operations.
      // Statutory returns (statutory-returns; admins and the returns role).
      {"people import", "FILE", "brokers kafka-config kafka-password-file",
       "Publish person details for the SEN2 return from a CSV file "
       "(child_id, surname, forename, date_of_birth, sex, ethnicity, "
       "postcode, upn, uln, upn_unknown)"},
      {"schools import", "FILE", "brokers kafka-config kafka-password-file",
       "Publish suspensions, permanent exclusions and termly attendance from "
       "a CSV file (record_id, child_id, kind=suspension|permanent_exclusion|"
       "attendance, date, sessions, academic_year, term, sessions_possible, "
       "sessions_attended)"},
      {"sen2 export", "", "year#! reference-date@ out csv-dir allow-errors?",
       "Write the SEN2 return of a census year as XML, with the COLLECT CSVs "
       "beside it (refused while it has errors, unless --allow-errors)"},
      {"sen2 check", "", "year#! reference-date@ officer",
       "Every problem COLLECT would fail or query, per child and officer"},
      {"directory import", "FILE", "brokers kafka-config kafka-password-file",
       "Publish officers and teams from a CSV file (kind, id, name, team_id, "
       "role, active, manager_id)"},
      {"events tail", "TOPIC", "count# follow? brokers",
       "Events of a topic as JSON lines"},
      {"admin republish", "", "service=ehc|reviews|transport|complaints! from#",
       "Re-publish a service's log from a position (admins)"},
      {"admin broker", "down|up", "dev",
       "Outage drill in the dev stack: take casework-dev's embedded broker "
       "down or bring it back ($CASEWORK_DEV_ADDR; admins)"},
      {"admin backup", "", "service=ehc|reviews|transport|complaints! name",
       "Write a consistent copy of a running service's log and audit trail "
       "under its --backup-dir (admins)"},
      {"admin status", "", "consumer=projection|reviews|returns",
       "A consumer's health, lag by partition, held and parked streams "
       "(admins)"},
      {"admin parked", "", "page-size#",
       "Streams the projection holds or parked, with the reason (admins)"},
      {"admin retry", "STREAM", "source",
       "Apply a parked stream of the projection again, after an upgrade "
       "(admins)"},
      {"admin resume", "", "consumer=projection|reviews|returns",
       "Go on past a partition whose history the broker lost, after the "
       "owning service re-published its log (admins)"},
      {"audit", "",
       "service=ehc|reviews|transport|complaints|projection child actor "
       "refusals? page-size# page-token",
       "The audit trail of reads and refused calls (admins)"},
      {"health", "HOST:PORT", "",
       "grpc.health.v1 status of a service; exit 0 when serving"},
  };
  return *kCommands;
}

const std::vector<GlobalOption>& GlobalOptions() {
  static const auto* const kOptions = new std::vector<GlobalOption>{
      {"json", true, "Machine-readable output (JSON; counts as numbers)"},
      {"token", false, "Bearer token (default: $CASEWORK_TOKEN)"},
      {"request-id", false,
       "Request id of a command (default: a new random UUID); send the same "
       "one only to retry the same command"},
      {"ehc", false, "ehc-assessments address ($CASEWORK_EHC_ADDR)"},
      {"reviews", false, "annual-reviews address ($CASEWORK_REVIEWS_ADDR)"},
      {"transport", false, "transport address ($CASEWORK_TRANSPORT_ADDR)"},
      {"complaints", false, "complaints address ($CASEWORK_COMPLAINTS_ADDR)"},
      {"projection", false, "projection address ($CASEWORK_PROJECTION_ADDR)"},
      {"dev", false, "casework-dev's drills address ($CASEWORK_DEV_ADDR)"},
      {"tls-ca", false, "CA certificate file: use TLS ($CASEWORK_TLS_CA)"},
      {"tls-cert", false, "Client certificate file for mTLS"},
      {"tls-key", false, "Client key file for mTLS"},
  };
  return *kOptions;
}

}  // namespace casework::cli
