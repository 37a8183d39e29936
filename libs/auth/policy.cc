#include "libs/auth/policy.h"

namespace casework::auth {
namespace {

constexpr unsigned kCaseWork = kOfficer | kManager | kIntegration;
// Reads of cases: case workers and the head of service (no commands).
constexpr unsigned kCaseReads = kCaseWork | kHeadOfService;
constexpr unsigned kCaseReaders = kOfficer | kManager | kHeadOfService;

}  // namespace

const std::map<std::string, Rule>& Policy() {
  static const auto* policy = new std::map<std::string, Rule>{
      // EHC needs assessments: steps on cases and reads of assessments.
      {"/casework.v1.EhcAssessmentService/RecordRequest", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/ReassignOfficer", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/DecideToAssess", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/DecideNotToAssess", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/RequestAdvice", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/RecordAdviceReceived", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/RecordException", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/IssueDraftPlan", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/DecideNotToIssuePlan", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/IssueFinalPlan", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/WithdrawRequest", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/RecordMovedOutOfArea", {kCaseWork}},
      {"/casework.v1.EhcAssessmentService/AuditAdvice", {kCaseWork | kQa}},
      {"/casework.v1.EhcAssessmentService/AuditDraftPlan", {kCaseWork | kQa}},
      {"/casework.v1.EhcAssessmentService/GetAssessment", {kCaseReads | kQa}},
      // By child: any case reader; by officer: that officer's caseload.
      {"/casework.v1.EhcAssessmentService/ListAssessments",
       {kCaseReads | kQa, Scope::kOfficerSelfOrTeam}},
      // Annual reviews: steps on plans and reads of plans.
      {"/casework.v1.AnnualReviewService/RegisterPlan", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/ReassignOfficer", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/ScheduleReviewMeeting", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/RecordPapersSent", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/RecordMeetingHeld", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/RecordReviewDecision", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/IssueAmendedPlan", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/DecideNotToAmend", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/ProposeToCease", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/CeasePlan", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/SetPhaseTransfer", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/RecordPlacement", {kCaseWork}},
      // Audits: case workers on the cases they act for, the QA role on any
      // plan of the LA (libs/host/endpoint.h RunQa).
      {"/casework.v1.AnnualReviewService/AuditPlan", {kCaseWork | kQa}},
      {"/casework.v1.AnnualReviewService/CompleteAuditAction", {kCaseWork}},
      {"/casework.v1.AnnualReviewService/DecideEarlyReview", {kCaseWork}},
      // A dip sample of the LA's plans: the QA role (or the back office
      // naming the auditor).
      {"/casework.v1.AnnualReviewService/DrawSample", {kQa | kIntegration}},
      {"/casework.v1.AnnualReviewService/GetQaFramework", {kCaseReads | kQa}},
      {"/casework.v1.AnnualReviewService/GetPlan", {kCaseReads | kQa}},
      {"/casework.v1.AnnualReviewService/ListPlans",
       {kCaseReads | kQa, Scope::kOfficerSelfOrTeam}},
      // Home-to-school travel: steps on applications and reads of them.
      {"/casework.v1.TransportService/SubmitApplication", {kCaseWork}},
      {"/casework.v1.TransportService/AssessEligibility", {kCaseWork}},
      {"/casework.v1.TransportService/RecordDecision", {kCaseWork}},
      {"/casework.v1.TransportService/ArrangeTransport", {kCaseWork}},
      {"/casework.v1.TransportService/ChangeArrangement", {kCaseWork}},
      {"/casework.v1.TransportService/EndArrangement", {kCaseWork}},
      {"/casework.v1.TransportService/RecordTravelTraining", {kCaseWork}},
      {"/casework.v1.TransportService/RequestStage1Review", {kCaseWork}},
      {"/casework.v1.TransportService/RecordStage1Decision", {kCaseWork}},
      {"/casework.v1.TransportService/RequestStage2Appeal", {kCaseWork}},
      {"/casework.v1.TransportService/RecordPanelDecision", {kCaseWork}},
      {"/casework.v1.TransportService/RecordWrittenOutcome", {kCaseWork}},
      {"/casework.v1.TransportService/ReassignOfficer", {kCaseWork}},
      {"/casework.v1.TransportService/GetApplication", {kCaseReads}},
      {"/casework.v1.TransportService/ListApplications",
       {kCaseReads, Scope::kOfficerSelfOrTeam}},
      // Complaints and disagreements: steps and reads.
      {"/casework.v1.ComplaintsService/LogComplaint", {kCaseWork}},
      {"/casework.v1.ComplaintsService/AcknowledgeComplaint", {kCaseWork}},
      {"/casework.v1.ComplaintsService/ExtendComplaint", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RespondToComplaint", {kCaseWork}},
      {"/casework.v1.ComplaintsService/EscalateComplaint", {kCaseWork}},
      {"/casework.v1.ComplaintsService/ReferToOmbudsman", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordOmbudsmanDecision", {kCaseWork}},
      {"/casework.v1.ComplaintsService/WithdrawComplaint", {kCaseWork}},
      {"/casework.v1.ComplaintsService/CloseComplaint", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordDisagreement", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordMediationContact", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordMediationHeld", {kCaseWork}},
      {"/casework.v1.ComplaintsService/IssueMediationCertificate", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RegisterAppeal", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordTribunalDecision", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordTribunalOrder", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordOrderCompliance", {kCaseWork}},
      // Families' experience: feedback about a case and its officer.
      {"/casework.v1.ComplaintsService/RecordFeedback", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordSurveySent", {kCaseWork}},
      {"/casework.v1.ComplaintsService/RecordSurveyResponse", {kCaseWork}},
      {"/casework.v1.ComplaintsService/GetFeedback", {kCaseReads}},
      {"/casework.v1.ComplaintsService/GetComplaint", {kCaseReads}},
      {"/casework.v1.ComplaintsService/GetDisagreement", {kCaseReads}},
      {"/casework.v1.ComplaintsService/ListComplaints",
       {kCaseReads, Scope::kOfficerSelfOrTeam}},
      // Projection: a child's history for case readers; per-officer views
      // for the officer and the officer's managers.
      {"/casework.v1.ProjectionService/GetTimeline", {kCaseReaders}},
      {"/casework.v1.ProjectionService/GetWorklist",
       {kCaseReaders | kQa, Scope::kOfficerSelfOrTeam}},
      {"/casework.v1.ProjectionService/GetOfficerScorecard",
       {kCaseReaders, Scope::kOfficerSelfOrTeam}},
      {"/casework.v1.ProjectionService/GetTeamScorecard",
       {kManager | kHeadOfService, Scope::kOfficerSelfOrTeam}},
      // Every team side by side: the head of service; the QA role its
      // quality measures alone (ProjectionServiceImpl filters them).
      {"/casework.v1.ProjectionService/GetLaScorecard", {kHeadOfService | kQa}},
      {"/casework.v1.ProjectionService/GetExceptionReport",
       {kCaseReaders | kQa, Scope::kOfficerSelfOrTeam}},
      {"/casework.v1.ProjectionService/GetTrend",
       {kCaseReaders | kQa, Scope::kOfficerSelfOrTeam}},
      // Early warning: an officer's own cases, a manager's team's, the
      // head of service's LA; the back-test of the method, the head's.
      {"/casework.v1.ProjectionService/GetAtRisk",
       {kCaseReaders, Scope::kOfficerSelfOrTeam}},
      {"/casework.v1.ProjectionService/GetForecastBackTest", {kHeadOfService}},
      // Administration of a domain service: re-publish its log.
      {"/casework.v1.AdminService/Republish", {kAdmin}},
      {"/casework.v1.AdminService/Backup", {kAdmin}},
      {"/casework.v1.DevStackService/SetBroker", {kAdmin}},
      // Administration of a consumer (the projection, the plan intake).
      {"/casework.v1.ConsumerAdminService/GetConsumerStatus", {kAdmin}},
      {"/casework.v1.ConsumerAdminService/ListParkedStreams", {kAdmin}},
      {"/casework.v1.ConsumerAdminService/RetryStream", {kAdmin}},
      {"/casework.v1.ConsumerAdminService/ResumeConsumer", {kAdmin}},
      // The statutory returns: the SEN2 return and its checks (personal
      // details of every child in the return: admin and the returns role).
      {"/casework.v1.ReturnsService/ExportSen2", {kAdmin | kReturns}},
      {"/casework.v1.ReturnsService/CheckSen2", {kAdmin | kReturns}},
      // The audit trail of reads, in every service.
      {"/casework.v1.AuditService/ListAuditEntries", {kAdmin}},
  };
  return *policy;
}

}  // namespace casework::auth
