#include "libs/auth/authorizer.h"

#include <grpcpp/server_context.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/policy.h"

namespace casework::auth {
namespace {

constexpr size_t kCacheLimit = 10000;

// The skew the verifier allows is checked by the verifier; a cached principal
// is dropped at its expiry (a little earlier than the verifier would).
bool StillValid(const Principal& p, absl::Time now) { return now <= p.expires; }

}  // namespace

Authorizer::Authorizer(std::shared_ptr<const JwtVerifier> verifier,
                       const Clock& clock, TeamLookup teams)
    : verifier_(std::move(verifier)), clock_(clock), teams_(std::move(teams)) {}

absl::StatusOr<Principal> Authorizer::Authenticate(
    absl::string_view token) const {
  const absl::Time now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(token);
    if (it != cache_.end()) {
      if (StillValid(it->second, now)) return it->second;
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

absl::StatusOr<Principal> Authorizer::Authorize(
    const grpc::ServerContext& ctx, const std::string& method,
    const std::string& officer_id, const std::string& team_id) const {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "no credentials: send 'authorization: Bearer <token>'");
  }
  return AuthorizeToken(absl::string_view(it->second.data(), it->second.size()),
                        method, officer_id, team_id);
}

absl::StatusOr<Principal> Authorizer::AuthorizeToken(
    absl::string_view bearer, const std::string& method,
    const std::string& officer_id, const std::string& team_id) const {
  if (!absl::StartsWithIgnoreCase(bearer, "bearer ")) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be 'Bearer <token>'");
  }
  absl::StatusOr<Principal> who = Authenticate(bearer.substr(7));
  if (!who.ok()) return who.status();

  const auto& policy = Policy();
  auto rule = policy.find(method);
  if (rule == policy.end()) {
    return absl::InternalError(absl::StrCat("no access rule for ", method));
  }
  if ((who->roles & rule->second.roles) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        method, " needs the role ", RoleNames(rule->second.roles),
        "; the caller has ", who->roles == 0 ? "none" : RoleNames(who->roles)));
  }
  const bool integration_passes =
      who->Has(kIntegration) && (rule->second.roles & kIntegration) != 0;
  if (rule->second.scope == Scope::kOfficerSelfOrTeam && !team_id.empty() &&
      !integration_passes &&
      !(who->Has(kManager) && std::find(who->teams.begin(), who->teams.end(),
                                        team_id) != who->teams.end())) {
    return absl::PermissionDeniedError(
        "a team's figures are for the managers of that team");
  }
  if (rule->second.scope == Scope::kOfficerSelfOrTeam && !officer_id.empty() &&
      officer_id != who->officer_id &&
      !(who->Has(kIntegration) && (rule->second.roles & kIntegration) != 0)) {
    bool in_team = false;
    if (who->Has(kManager) && teams_) {
      for (const std::string& team : teams_(officer_id)) {
        if (std::find(who->teams.begin(), who->teams.end(), team) !=
            who->teams.end()) {
          in_team = true;
          break;
        }
      }
    }
    if (!in_team) {
      return absl::PermissionDeniedError(
          who->Has(kManager)
              ? "a manager sees only the officers of their own team(s)"
              : "an officer sees only their own worklist, scorecard and "
                "caseload");
    }
  }
  return who;
}

}  // namespace casework::auth
