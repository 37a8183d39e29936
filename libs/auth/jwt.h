// JSON Web Tokens: verification of the bearer tokens every gRPC call carries,
// and signing for the dev stack and tests. The cryptography is OpenSSL's.
//
// Accepted: RS256 and ES256 with public keys from a JWKS document (what an
// LA's identity provider publishes), and HS256 with a shared secret (the dev
// stack). Checked: signature, `iss`, `aud` (string or array), `exp`, `nbf`
// and `iat` with a small clock skew (default 30 s), and the token's lifetime:
// `exp - iat` (or, without `iat`, `exp - now`) at most `max_lifetime`
// (default 12 h), so a leaked token cannot live for years. `alg: none` and an
// algorithm that does not match the key's type are refused.
//
// Claims read into the Principal: `sub` (the actor recorded in events),
// `officer_id` (default: `sub`), `roles` (array: officer, manager, admin,
// integration; unknown names ignored), `teams` (array of team ids).
//
// Thread safety: a JwtVerifier is immutable after Create and may be shared.
#ifndef CASEWORK_LIBS_AUTH_JWT_H_
#define CASEWORK_LIBS_AUTH_JWT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace casework::auth {

enum Role : unsigned {
  kOfficer = 1u << 0,
  kManager = 1u << 1,
  kAdmin = 1u << 2,
  kIntegration = 1u << 3,
  // The statutory returns (SEN2): exports and checks the LA's return; no
  // case commands.
  kReturns = 1u << 4,
  // The head of the SEND service: reads every team's and officer's figures
  // and the LA's (the LA overview); no case commands.
  kHeadOfService = 1u << 5,
  // Quality assurance (a QA lead or auditor): audits any plan and advice in
  // the LA and reads the quality measures; no other case commands.
  kQa = 1u << 6,
};
inline constexpr unsigned kAllRoles = kOfficer | kManager | kAdmin |
                                      kIntegration | kReturns | kHeadOfService |
                                      kQa;
// "officer", ... ; empty for anything else.
const char* RoleName(Role role);
// 0 for an unknown name.
unsigned RoleFromName(absl::string_view name);
// "officer,manager" for a mask.
std::string RoleNames(unsigned roles);

struct Principal {
  std::string subject;     // the token's `sub`
  std::string officer_id;  // `officer_id`, else `sub`
  unsigned roles = 0;      // Role bits
  std::vector<std::string> teams;
  absl::Time expires;
  // The JWKS key id that verified the token ("" for HS256): a cached
  // principal stands only while that key is still trusted.
  std::string key_id;
  bool Has(Role role) const { return (roles & role) != 0; }
};

struct VerifierOptions {
  std::string issuer;    // required `iss`
  std::string audience;  // required among `aud`
  absl::Duration skew = absl::Seconds(30);
  absl::Duration max_lifetime = absl::Hours(12);
  std::string jwks_json;     // RS256 / ES256 keys; may be empty
  std::string hs256_secret;  // HS256 key; empty: HS256 refused
};

class JwtVerifier {
 public:
  virtual ~JwtVerifier() = default;
  // A key of the JWKS that cannot be used (no kid, a kid that appears
  // twice, a type or curve other than RSA and EC P-256, an RSA key under
  // 2048 bits, a malformed key) is skipped with a warning naming it, so one
  // such key never hides the others. INVALID_ARGUMENT when the JWKS is not a
  // key set, when no key is left (naming what was skipped and why), or when
  // issuer/audience are empty.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(
      VerifierOptions options);
  // UNAUTHENTICATED with a reason safe to return to the caller (never the
  // token, a key or a signature).
  virtual absl::StatusOr<Principal> Verify(absl::string_view token,
                                           absl::Time now) const = 0;
  // Whether a token verified with `key_id` (Principal::key_id) is still
  // good: the key is in the current set ("" is the HS256 secret).
  virtual bool TrustsKey(absl::string_view key_id) const = 0;
  // The keys of the JWKS that were skipped, each "kid: why" (for logs and
  // tests).
  virtual std::vector<std::string> SkippedKeys() const { return {}; }
};

struct TokenClaims {
  std::string issuer;
  std::string audience;
  std::string subject;
  std::string officer_id;  // omitted when empty
  unsigned roles = 0;
  std::vector<std::string> teams;
  absl::Time issued_at;   // omitted when unset (the Unix epoch)
  absl::Time not_before;  // omitted when unset
  absl::Time expires;
};

// The JSON payload for the claims.
std::string ClaimsJson(const TokenClaims& claims);

// Signs `payload_json` as a compact JWT. `alg` is HS256 (key: the secret),
// RS256 or ES256 (key: a PEM private key); `kid` is put in the header when
// not empty.
absl::StatusOr<std::string> SignJwt(absl::string_view alg,
                                    absl::string_view key,
                                    absl::string_view kid,
                                    absl::string_view payload_json);

// A new key pair for RS256 (2048-bit) or ES256 (P-256): the private key as PEM
// and the public key as one JWKS entry (a JSON object with kid and alg).
struct SigningKey {
  std::string private_pem;
  std::string public_jwk_json;
};
absl::StatusOr<SigningKey> GenerateSigningKey(absl::string_view alg,
                                              absl::string_view kid);

// 32 random bytes, hex-encoded: an HS256 secret for the dev stack.
absl::StatusOr<std::string> GenerateSecret();

}  // namespace casework::auth

#endif  // CASEWORK_LIBS_AUTH_JWT_H_
