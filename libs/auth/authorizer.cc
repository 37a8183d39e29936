#include "libs/auth/authorizer.h"

#include <grpcpp/server_context.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/call_notes.h"
#include "libs/auth/policy.h"

namespace casework::auth {
namespace {

constexpr size_t kCacheLimit = 10000;

// The skew the verifier allows is checked by the verifier; a cached principal
// is dropped at its expiry (a little earlier than the verifier would).
bool StillValid(const Principal& p, absl::Time now) { return now <= p.expires; }

}  // namespace

Authorizer::Authorizer(std::shared_ptr<const JwtVerifier> verifier,
                       const Clock& clock, TeamLookup teams,
                       CaseAccessOptions case_access)
    : verifier_(std::move(verifier)),
      clock_(clock),
      teams_(std::move(teams)),
      case_access_(case_access) {}

std::vector<std::string> Authorizer::TeamsOf(const std::string& officer) const {
  if (!teams_ || officer.empty()) return {};
  return teams_(officer);
}

absl::Status Authorizer::AuthorizeCase(const Principal& who,
                                       const std::string& holder,
                                       const std::string& new_holder) const {
  if (who.Has(kIntegration)) return absl::OkStatus();
  auto shares = [](const std::vector<std::string>& a,
                   const std::vector<std::string>& b) {
    for (const std::string& x : a) {
      if (std::find(b.begin(), b.end(), x) != b.end()) return true;
    }
    return false;
  };
  // Whether `who` acts for cases held by `officer`.
  auto acts_for = [&](const std::string& officer) {
    if (officer == who.officer_id) return true;
    const std::vector<std::string> theirs = TeamsOf(officer);
    if (who.Has(kManager) && shares(theirs, who.teams)) return true;
    return case_access_.officers_act_for_team &&
           shares(theirs, TeamsOf(who.officer_id));
  };
  if (holder.empty()) {
    // A new case: assigned to the caller, or for a manager (or a team that
    // acts together) to an officer of the team.
    if (acts_for(new_holder)) return absl::OkStatus();
    return absl::PermissionDeniedError(
        "officer_id: a new case is assigned to yourself (a manager may "
        "assign it to an officer of their team)");
  }
  if (!acts_for(holder)) {
    return absl::PermissionDeniedError(
        who.Has(kManager)
            ? "this case is held by an officer outside your team(s)"
            : "you may act only on cases assigned to you; ask the officer "
              "who holds it or their manager");
  }
  if (new_holder == holder) return absl::OkStatus();
  const std::vector<std::string> holding = TeamsOf(holder);
  if (!holding.empty() && shares(holding, TeamsOf(new_holder))) {
    return absl::OkStatus();  // within the team that holds it
  }
  if (who.Has(kManager) && shares(holding, who.teams)) {
    return absl::OkStatus();  // a manager of the holding team
  }
  return absl::PermissionDeniedError(
      "officer_id: moving a case to another team needs a manager of the "
      "team that holds it");
}

absl::StatusOr<Principal> Authorizer::Authenticate(
    absl::string_view token) const {
  const absl::Time now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(token);
    if (it != cache_.end()) {
      // Until it expires, and only while the key that verified it is
      // trusted: a key withdrawn from the JWKS takes its tokens with it.
      if (StillValid(it->second, now) &&
          verifier_->TrustsKey(it->second.key_id)) {
        return it->second;
      }
      cache_.erase(it);
    }
  }
  absl::StatusOr<Principal> p = verifier_->Verify(token, now);
  if (p.ok() && StillValid(*p, now)) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() >= kCacheLimit) cache_.clear();
    cache_.emplace(std::string(token), *p);
  }
  return p;
}

absl::StatusOr<Principal> Authorizer::AuthenticateBearer(
    absl::string_view bearer) const {
  if (!absl::StartsWithIgnoreCase(bearer, "bearer ")) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be 'Bearer <token>'");
  }
  return Authenticate(bearer.substr(7));
}

absl::StatusOr<Principal> Authorizer::Authorize(
    const grpc::ServerContext& ctx, const std::string& method,
    const std::string& officer_id, const std::string& team_id) const {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "no credentials: send 'authorization: Bearer <token>'");
  }
  // Verified once per call; the call observer logs and audits the call under
  // this actor, refused or not.
  absl::StatusOr<Principal> who = AuthenticateBearer(
      absl::string_view(it->second.data(), it->second.size()));
  if (!who.ok()) return who.status();
  NoteCallActor(static_cast<const grpc::ServerContextBase*>(&ctx), who->subject,
                RoleNames(who->roles));
  return Permit(*who, method, officer_id, team_id);
}

absl::StatusOr<Principal> Authorizer::AuthorizeToken(
    absl::string_view bearer, const std::string& method,
    const std::string& officer_id, const std::string& team_id) const {
  absl::StatusOr<Principal> who = AuthenticateBearer(bearer);
  if (!who.ok()) return who.status();
  return Permit(*who, method, officer_id, team_id);
}

absl::StatusOr<Principal> Authorizer::Permit(const Principal& who,
                                             const std::string& method,
                                             const std::string& officer_id,
                                             const std::string& team_id) const {
  const auto& policy = Policy();
  auto rule = policy.find(method);
  if (rule == policy.end()) {
    return absl::InternalError(absl::StrCat("no access rule for ", method));
  }
  if ((who.roles & rule->second.roles) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        method, " needs the role ", RoleNames(rule->second.roles),
        "; the caller has ", who.roles == 0 ? "none" : RoleNames(who.roles)));
  }
  if (who.Has(kHeadOfService) && (rule->second.roles & kHeadOfService) != 0) {
    return who;  // the whole LA's figures and reads
  }
  const bool integration_passes =
      who.Has(kIntegration) && (rule->second.roles & kIntegration) != 0;
  if (rule->second.scope == Scope::kOfficerSelfOrTeam && !team_id.empty() &&
      !integration_passes &&
      !(who.Has(kManager) && std::find(who.teams.begin(), who.teams.end(),
                                       team_id) != who.teams.end())) {
    return absl::PermissionDeniedError(
        "a team's figures are for the managers of that team");
  }
  if (rule->second.scope == Scope::kOfficerSelfOrTeam && !officer_id.empty() &&
      officer_id != who.officer_id && !integration_passes) {
    bool in_team = false;
    if (who.Has(kManager) && teams_) {
      for (const std::string& team : teams_(officer_id)) {
        if (std::find(who.teams.begin(), who.teams.end(), team) !=
            who.teams.end()) {
          in_team = true;
          break;
        }
      }
    }
    if (!in_team) {
      return absl::PermissionDeniedError(
          who.Has(kManager)
              ? "a manager sees only the officers of their own team(s)"
              : "an officer sees only their own worklist, scorecard and "
                "caseload");
    }
  }
  return who;
}

}  // namespace casework::auth
