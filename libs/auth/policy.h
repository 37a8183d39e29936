// The access policy: one table mapping every RPC of every casework service to
// the roles allowed and any condition on what the request is about.
//
// Roles (docs/architecture.md "Access"):
//   officer      records steps on cases; reads assessments and timelines; its
//                own worklist and scorecard
//   manager      what an officer may, plus the worklists and scorecards of the
//                officers of its own team(s)
//   admin        directory, rebuild, re-publish, the audit log; no case data
//   integration  service-to-service and back-office calls: commands and
//                assessment reads
//   qa           audits any plan and reads plans and the quality measures
// A test walks this table against every method of every service in the
// contract, so an RPC without a rule fails the build.
#ifndef CASEWORK_LIBS_AUTH_POLICY_H_
#define CASEWORK_LIBS_AUTH_POLICY_H_

#include <map>
#include <string>

#include "libs/auth/jwt.h"

namespace casework::auth {

enum class Scope {
  kAny,  // any caller holding one of the roles
  // When the request names an officer: the caller's own (officer_id claim),
  // or for a manager an officer of one of the caller's teams; integration
  // callers pass. A request naming no officer is not restricted.
  kOfficerSelfOrTeam,
};

struct Rule {
  unsigned roles = 0;
  Scope scope = Scope::kAny;
};

// Full method name ("/casework.v1.EhcAssessmentService/RecordRequest") ->
// rule.
const std::map<std::string, Rule>& Policy();

}  // namespace casework::auth

#endif  // CASEWORK_LIBS_AUTH_POLICY_H_
