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
};
inline constexpr unsigned kAllRoles =
    kOfficer | kManager | kAdmin | kIntegration | kReturns | kHeadOfService;
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
  // INVALID_ARGUMENT when the JWKS cannot be read (names the key at fault) or
  // when there is no key at all, or issuer/audience are empty.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(
      VerifierOptions options);
  // UNAUTHENTICATED with a reason safe to return to the caller (never the
  // token, a key or a signature).
  virtual absl::StatusOr<Principal> Verify(absl::string_view token,
                                           absl::Time now) const = 0;
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
