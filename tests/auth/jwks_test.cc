// Keys from the provider's JWKS endpoint: rotation without a restart, a
// bounded refetch for unknown key ids, the last good keys kept on failure,
// and the real HTTP fetch against a JWKS served on a local port.
#include "libs/auth/jwks.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/auth/authorizer.h"
#include "libs/core/clock.h"

namespace casework::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1790000000);

std::string Jwks(const std::vector<SigningKey>& keys) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", keys[i].public_jwk_json);
  }
  return out + "]}";
}

std::string Token(const SigningKey& key, const std::string& kid) {
  return SignJwt("RS256", key.private_pem, kid,
                 ClaimsJson(TokenClaims{.issuer = "https://idp.example",
                                        .audience = "casework",
                                        .subject = "officer-1",
                                        .roles = kOfficer,
                                        .issued_at = kNow,
                                        .expires = kNow + absl::Hours(1)}))
      .value();
}

class JwksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key1_ = GenerateSigningKey("RS256", "k1").value();
    key2_ = GenerateSigningKey("RS256", "k2").value();
    served_ = Jwks({key1_});
  }
  std::unique_ptr<JwksVerifier> Make() {
    auto v = JwksVerifier::Create(
        VerifierOptions{.issuer = "https://idp.example",
                        .audience = "casework"},
        JwksOptions{.url = "https://idp.example/keys", .background = false},
        [this](const std::string& url) -> absl::StatusOr<std::string> {
          ++calls_;
          if (down_) return absl::UnavailableError(url + ": refused");
          return served_;
        });
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? std::move(*v) : nullptr;
  }
  SigningKey key1_, key2_;
  std::string served_;
  bool down_ = false;
  int calls_ = 0;
};

TEST_F(JwksTest, ARotatedKeyIsFetchedWhenATokenFirstNamesIt) {
  std::unique_ptr<JwksVerifier> v = Make();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->Verify(Token(key1_, "k1"), kNow).ok());
  EXPECT_EQ(calls_, 1);
  // The provider publishes k2 and signs with it: no restart needed.
  served_ = Jwks({key1_, key2_});
  absl::StatusOr<Principal> p = v->Verify(Token(key2_, "k2"), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "officer-1");
  EXPECT_EQ(calls_, 2);
  // k1 retired: tokens signed with it stop working after the next refresh.
  served_ = Jwks({key2_});
  ASSERT_TRUE(v->Refresh(kNow + absl::Minutes(10), /*force=*/true).ok());
  EXPECT_FALSE(v->Verify(Token(key1_, "k1"), kNow).ok());
  EXPECT_TRUE(v->Verify(Token(key2_, "k2"), kNow).ok());
}

TEST_F(JwksTest, UnknownKeyIdsRefetchAtMostOncePerInterval) {
  std::unique_ptr<JwksVerifier> v = Make();
  ASSERT_TRUE(v);
  const std::string forged = Token(key2_, "k2");  // never published
  EXPECT_FALSE(v->Verify(forged, kNow).ok());
  EXPECT_EQ(calls_, 2);
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(v->Verify(forged, kNow + absl::Seconds(29)).ok());
  }
  EXPECT_EQ(calls_, 2);
  EXPECT_FALSE(v->Verify(forged, kNow + absl::Seconds(60)).ok());
  EXPECT_EQ(calls_, 3);
}

TEST_F(JwksTest, AFailedRefreshKeepsTheLastGoodKeys) {
  std::unique_ptr<JwksVerifier> v = Make();
  ASSERT_TRUE(v);
  down_ = true;
  absl::Status refreshed = v->Refresh(kNow, /*force=*/true);
  EXPECT_EQ(refreshed.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(v->Verify(Token(key1_, "k1"), kNow).ok());
  down_ = false;
  served_ = "{\"keys\": [{\"kty\": \"RSA\"}]}";  // a broken document
  EXPECT_FALSE(v->Refresh(kNow, /*force=*/true).ok());
  EXPECT_TRUE(v->Verify(Token(key1_, "k1"), kNow).ok());
}

TEST_F(JwksTest, TheFirstFetchMustSucceed) {
  down_ = true;
  auto v = JwksVerifier::Create(
      VerifierOptions{.issuer = "i", .audience = "a"},
      JwksOptions{.url = "https://idp.example/keys", .background = false},
      [](const std::string& url) -> absl::StatusOr<std::string> {
        return absl::UnavailableError(url + ": connection refused");
      });
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "--auth-jwks-url: https://idp.example/keys: connection refused");
}

// One key the service cannot use (an Ed25519 or P-384 key, a short RSA key,
// no kid, a kid twice) never hides the others: it is skipped, named, and the
// rotated key beside it is learned.
TEST_F(JwksTest, AnUnusableKeyIsSkippedAndTheOthersStillWork) {
  std::unique_ptr<JwksVerifier> v = Make();
  ASSERT_TRUE(v);
  const SigningKey short_rsa = GenerateSigningKey("RS256", "k-short").value();
  std::string set = "{\"keys\":[";
  absl::StrAppend(
      &set,
      R"({"kty":"OKP","crv":"Ed25519","kid":"k-ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},)",
      R"({"kty":"EC","crv":"P-384","kid":"k-384","x":"AA","y":"AA"},)",
      R"({"kty":"RSA","kid":"k-1024","n":"AQAB","e":"AQAB"},)",
      R"({"kty":"RSA","n":"AQAB","e":"AQAB"},)", key2_.public_jwk_json, ",",
      key1_.public_jwk_json, ",", key1_.public_jwk_json, "]}");
  served_ = set;
  ASSERT_TRUE(v->Refresh(kNow, /*force=*/true).ok());
  EXPECT_TRUE(v->Verify(Token(key2_, "k2"), kNow).ok());
  // k1 appears twice: which of the two signs is unknowable, so neither.
  EXPECT_FALSE(v->Verify(Token(key1_, "k1"), kNow).ok());
  const std::vector<std::string> skipped = v->SkippedKeys();
  ASSERT_EQ(skipped.size(), 6u);
  const std::string all = absl::StrJoin(skipped, "\n");
  for (const char* named :
       {"k-ed", "k-384", "k-1024", "no kid", "k1 appears 2 times"}) {
    EXPECT_NE(all.find(named), std::string::npos) << named << " in " << all;
  }
  // A set with no usable key at all is refused, and the last good keys stay.
  served_ = R"({"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k-ed","x":"AA"}]})";
  const absl::Status refused = v->Refresh(kNow, /*force=*/true);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("no usable key"), std::string::npos);
  EXPECT_TRUE(v->Verify(Token(key2_, "k2"), kNow).ok());
}

// A key withdrawn from the set (compromised, say) stops vouching for the
// tokens it signed at once, however long they would have lived in the
// authorizer's cache.
TEST_F(JwksTest, AWithdrawnKeyTakesItsCachedTokensWithIt) {
  std::shared_ptr<JwksVerifier> v = Make();
  ASSERT_TRUE(v);
  FakeClock clock(kNow);
  const Authorizer authorizer(v, clock);
  const std::string bearer = "Bearer " + Token(key1_, "k1");
  const std::string method = "/casework.v1.ProjectionService/GetWorklist";
  ASSERT_TRUE(authorizer.AuthorizeToken(bearer, method, "officer-1").ok());
  ASSERT_TRUE(authorizer.AuthorizeToken(bearer, method, "officer-1").ok());
  served_ = Jwks({key2_});
  ASSERT_TRUE(v->Refresh(kNow, /*force=*/true).ok());
  const absl::StatusOr<Principal> after =
      authorizer.AuthorizeToken(bearer, method, "officer-1");
  EXPECT_EQ(after.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(JwksHttpTest, PlainHttpIsForLoopbackOnly) {
  JwksFetcher fetch = HttpFetcher();
  for (const char* url :
       {"http://idp.example.gov.uk/jwks.json", "http://10.0.0.5:8090/jwks",
        "http://127.0.0.1.example.com/jwks", "http://[2001:db8::1]/jwks"}) {
    const absl::StatusOr<std::string> refused = fetch(url);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << url;
    EXPECT_NE(refused.status().message().find("https"), std::string::npos);
  }
  // Loopback over http is tried (and here finds nothing listening).
  for (const char* url : {"http://127.0.0.1:1/jwks", "http://localhost:1/jwks",
                          "http://[::1]:1/jwks"}) {
    EXPECT_EQ(fetch(url).status().code(), absl::StatusCode::kUnavailable)
        << url;
  }
}

TEST(JwksHttpTest, FetchesOverHttpAndNamesFailures) {
  const SigningKey key = GenerateSigningKey("ES256", "e1").value();
  httplib::Server server;
  server.Get("/jwks.json", [&](const httplib::Request&, httplib::Response& r) {
    r.set_content(Jwks({key}), "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&] { server.listen_after_bind(); });
  const std::string base = absl::StrCat("http://127.0.0.1:", port);
  JwksFetcher fetch = HttpFetcher();
  absl::StatusOr<std::string> body = fetch(base + "/jwks.json");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, Jwks({key}));
  absl::StatusOr<std::string> missing = fetch(base + "/nothing");
  EXPECT_EQ(missing.status().message(),
            absl::StrCat("JWKS ", base, "/nothing: HTTP 404"));
  EXPECT_EQ(fetch("ftp://x/keys").status().code(),
            absl::StatusCode::kInvalidArgument);
  server.stop();
  t.join();
}

}  // namespace
}  // namespace casework::auth
