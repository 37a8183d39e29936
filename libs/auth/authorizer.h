// Authorizer: the check every handler makes first. It reads the bearer token
// from the call's `authorization` metadata, verifies it (caching verified
// tokens until they expire), and applies the method's rule from Policy().
//
//   ASSIGN_OR_RETURN_GRPC(auth::Principal who,
//       authorizer.Authorize(*ctx,
//       "/casework.v1.ProjectionService/GetWorklist",
//                            req->officer_id()));
//
// UNAUTHENTICATED: no or invalid token. PERMISSION_DENIED: the role or the
// condition does not allow it (the reason names the rule, never data).
// INTERNAL: a method missing from the policy table (a programming error that
// the policy test catches first).
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_AUTH_AUTHORIZER_H_
#define CASEWORK_LIBS_AUTH_AUTHORIZER_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "libs/auth/jwt.h"
#include "libs/core/clock.h"

namespace grpc {
class ServerContext;
}  // namespace grpc

namespace casework::auth {

// The teams an officer belongs to (from the officer directory); empty when
// unknown.
using TeamLookup =
    std::function<std::vector<std::string>(const std::string& officer_id)>;

// Who may act on a case (a command on an existing case, or one that creates
// or moves a case).
struct CaseAccessOptions {
  // The LA lets officers act on the cases of their whole team (not only on
  // their own).
  bool officers_act_for_team = false;
};

class Authorizer {
 public:
  Authorizer(std::shared_ptr<const JwtVerifier> verifier, const Clock& clock,
             TeamLookup teams = nullptr, CaseAccessOptions case_access = {});

  // `officer_id` / `team_id`: what the request is about (for rules with a
  // scope); a team is for the managers of that team only.
  absl::StatusOr<Principal> Authorize(const grpc::ServerContext& ctx,
                                      const std::string& method,
                                      const std::string& officer_id = "",
                                      const std::string& team_id = "") const;
  // The case-level check of a command, after Authorize: may `who` take a step
  // on a case held by `holder` (empty: the command creates the case) that
  // leaves it held by `new_holder`? Integration callers may act on any case.
  // An officer acts on cases held by them (or by their team, when the LA
  // configures officers_act_for_team); a manager on cases held by the officers
  // of their teams. Moving a case to an officer of another team (or of a team
  // the directory does not know) needs a manager of the team that holds it.
  // PERMISSION_DENIED with the reason otherwise.
  absl::Status AuthorizeCase(const Principal& who, const std::string& holder,
                             const std::string& new_holder) const;
  // The same check for a token already taken from the metadata.
  absl::StatusOr<Principal> AuthorizeToken(
      absl::string_view bearer, const std::string& method,
      const std::string& officer_id, const std::string& team_id = "") const;
  // The teams of `officer` in the officer directory (empty when unknown or
  // when this authorizer has no directory).
  std::vector<std::string> TeamsOf(const std::string& officer) const;

 private:
  absl::StatusOr<Principal> Authenticate(absl::string_view token) const;
  // Authenticate for the value of an authorization header, which must be
  // "Bearer <token>" (the scheme in any case).
  absl::StatusOr<Principal> AuthenticateBearer(absl::string_view bearer) const;
  // The method's rule for an authenticated caller.
  absl::StatusOr<Principal> Permit(const Principal& who,
                                   const std::string& method,
                                   const std::string& officer_id,
                                   const std::string& team_id) const;

  const std::shared_ptr<const JwtVerifier> verifier_;
  const Clock& clock_;

  const TeamLookup teams_;
  const CaseAccessOptions case_access_;
  mutable std::mutex mu_;
  mutable absl::flat_hash_map<std::string, Principal> cache_;
};

}  // namespace casework::auth

#endif  // CASEWORK_LIBS_AUTH_AUTHORIZER_H_
