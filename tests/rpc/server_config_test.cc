// Service configuration: authentication from flags and files (a JWKS file as
// an LA's identity provider publishes it), and the errors that stop a
// misconfigured service from starting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "libs/auth/jwt.h"
#include "libs/rpc/server.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<ServiceConfig> Parse(std::vector<std::string> args) {
  std::vector<char*> argv = {const_cast<char*>("svc")};
  for (std::string& a : args) argv.push_back(a.data());
  return ServiceConfig::FromArgs(static_cast<int>(argv.size()), argv.data(),
                                 "svc", 7199);
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(ServerConfigTest, VerifiesTokensSignedByAKeyOfTheJwksFile) {
  testutil::TempDir dir;
  absl::StatusOr<auth::SigningKey> ec = auth::GenerateSigningKey("ES256", "k1");
  absl::StatusOr<auth::SigningKey> rsa =
      auth::GenerateSigningKey("RS256", "k2");
  ASSERT_TRUE(ec.ok() && rsa.ok());
  Write(dir.Sub("jwks.json"), absl::StrCat("{\"keys\":[", ec->public_jwk_json,
                                           ",", rsa->public_jwk_json, "]}"));
  absl::StatusOr<ServiceConfig> config =
      Parse({"--auth-issuer", "https://idp.example", "--auth-jwks",
             dir.Sub("jwks.json"), "--auth-skew-seconds", "5", "--data-dir",
             dir.Sub("data")});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->auth_audience, "casework");
  EXPECT_EQ(config->audit_dir, dir.Sub("data") + "-audit");
  auto verifier = MakeVerifier(*config);
  ASSERT_TRUE(verifier.ok()) << verifier.status();

  const absl::Time now = absl::Now();
  auth::TokenClaims claims{.issuer = "https://idp.example",
                           .audience = "casework",
                           .subject = "officer-1",
                           .roles = auth::kOfficer,
                           .expires = now + absl::Minutes(10)};
  for (const auto& [alg, key, kid] :
       {std::tuple{"ES256", ec->private_pem, "k1"},
        std::tuple{"RS256", rsa->private_pem, "k2"}}) {
    auto token = auth::SignJwt(alg, key, kid, auth::ClaimsJson(claims));
    ASSERT_TRUE(token.ok());
    auto who = (*verifier)->Verify(*token, now);
    ASSERT_TRUE(who.ok()) << alg << ": " << who.status();
    EXPECT_EQ(who->subject, "officer-1");
  }
  // HS256 is not accepted when only a JWKS is configured.
  auto hs = auth::SignJwt("HS256", std::string(40, 'x'), "",
                          auth::ClaimsJson(claims));
  EXPECT_EQ((*verifier)->Verify(*hs, now).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ServerConfigTest, MisconfigurationIsReportedPlainly) {
  testutil::TempDir dir;
  // No authentication at all.
  auto config = Parse({});
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(std::string(MakeVerifier(*config).status().message()),
              HasSubstr("authentication is required"));
  // A key file that is not there.
  config = Parse({"--auth-issuer", "i", "--auth-jwks", dir.Sub("none.json")});
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(std::string(MakeVerifier(*config).status().message()),
              HasSubstr("none.json"));
  // A JWKS file that is not JSON.
  Write(dir.Sub("bad.json"), "not json");
  config = Parse({"--auth-issuer", "i", "--auth-jwks", dir.Sub("bad.json")});
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(std::string(MakeVerifier(*config).status().message()),
              HasSubstr("JWKS"));
  // A secret too short to be safe.
  Write(dir.Sub("secret"), "short\n");
  config = Parse(
      {"--auth-issuer", "i", "--auth-hs256-secret-file", dir.Sub("secret")});
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(std::string(MakeVerifier(*config).status().message()),
              HasSubstr("at least 32"));
  // Flag errors name the flag.
  EXPECT_THAT(
      std::string(Parse({"--auth-skew-seconds", "lots"}).status().message()),
      HasSubstr("--auth-skew-seconds"));
  for (const char* bad : {"0", "59", "604801", "12h"}) {
    EXPECT_THAT(
        std::string(
            Parse({"--auth-max-token-seconds", bad}).status().message()),
        HasSubstr("--auth-max-token-seconds"))
        << bad;
  }
  for (const char* bad : {"3", "1025", "many"}) {
    EXPECT_THAT(std::string(Parse({"--max-threads", bad}).status().message()),
                HasSubstr("--max-threads"))
        << bad;
  }
  absl::StatusOr<ServiceConfig> bounded =
      Parse({"--max-threads", "4", "--auth-max-token-seconds", "60",
             "--officers-act-for-team"});
  ASSERT_TRUE(bounded.ok()) << bounded.status();
  EXPECT_EQ(bounded->limits.max_threads, 4);
  EXPECT_EQ(bounded->auth_max_token_lifetime, absl::Seconds(60));
  EXPECT_TRUE(bounded->case_access.officers_act_for_team);
  EXPECT_THAT(std::string(Parse({"--tls-cert", "c.pem"}).status().message()),
              HasSubstr("--tls-key"));
  EXPECT_THAT(
      std::string(Parse({"--tls-client-ca", "ca.pem"}).status().message()),
      HasSubstr("--tls-cert"));
}

}  // namespace
}  // namespace casework
