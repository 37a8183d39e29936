// A bearer token for the tests' verifiers (HS256 with the test's secret,
// issuer "test", audience "casework"), valid for an hour from `now`.
#ifndef CASEWORK_TESTS_TESTING_TEST_TOKEN_H_
#define CASEWORK_TESTS_TESTING_TEST_TOKEN_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/auth/jwt.h"

namespace casework::testutil {

inline std::string TestToken(const std::string& secret,
                             const std::string& subject, unsigned roles,
                             absl::Time now,
                             std::vector<std::string> teams = {}) {
  return *auth::SignJwt(
      "HS256", secret, "",
      auth::ClaimsJson(auth::TokenClaims{.issuer = "test",
                                         .audience = "casework",
                                         .subject = subject,
                                         .roles = roles,
                                         .teams = std::move(teams),
                                         .expires = now + absl::Hours(1)}));
}

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_TEST_TOKEN_H_
