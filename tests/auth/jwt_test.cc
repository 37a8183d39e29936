// Token verification: every acceptance and rejection path, keys made at test
// time, and a deterministic fuzz of malformed tokens.
#include "libs/auth/jwt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace casework::auth {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1795000000);  // Nov 2026
constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test-secret";

TokenClaims Claims() {
  return TokenClaims{.issuer = "https://idp.example.gov.uk",
                     .audience = "casework",
                     .subject = "u-123",
                     .officer_id = "officer-07",
                     .roles = kOfficer | kManager,
                     .teams = {"team-north"},
                     .issued_at = kNow - absl::Minutes(5),
                     .not_before = kNow - absl::Minutes(5),
                     .expires = kNow + absl::Hours(1)};
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new SigningKey(*GenerateSigningKey("RS256", "rsa-1"));
    ec_ = new SigningKey(*GenerateSigningKey("ES256", "ec-1"));
    other_rsa_ = new SigningKey(*GenerateSigningKey("RS256", "rsa-1"));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete ec_;
    delete other_rsa_;
  }

  std::unique_ptr<JwtVerifier> Verifier(bool with_secret = true) {
    auto v = JwtVerifier::Create(VerifierOptions{
        .issuer = "https://idp.example.gov.uk",
        .audience = "casework",
        .jwks_json = absl::StrCat("{\"keys\":[", rsa_->public_jwk_json, ",",
                                  ec_->public_jwk_json, "]}"),
        .hs256_secret = with_secret ? kSecret : ""});
    EXPECT_TRUE(v.ok()) << v.status();
    return std::move(*v);
  }

  static std::string Sign(absl::string_view alg, const TokenClaims& c,
                          absl::string_view kid = "") {
    std::string key = kSecret;
    std::string id(kid);
    if (alg == "RS256") {
      key = rsa_->private_pem;
      if (id.empty()) id = "rsa-1";
    } else if (alg == "ES256") {
      key = ec_->private_pem;
      if (id.empty()) id = "ec-1";
    }
    absl::StatusOr<std::string> t = SignJwt(alg, key, id, ClaimsJson(c));
    EXPECT_TRUE(t.ok()) << t.status();
    return t.value_or("");
  }

  static void ExpectRefused(const JwtVerifier& v, const std::string& token,
                            absl::string_view reason) {
    absl::StatusOr<Principal> p = v.Verify(token, kNow);
    ASSERT_FALSE(p.ok()) << "accepted: " << token;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(reason));
  }

  static SigningKey* rsa_;
  static SigningKey* ec_;
  static SigningKey* other_rsa_;
};
SigningKey* JwtTest::rsa_ = nullptr;
SigningKey* JwtTest::ec_ = nullptr;
SigningKey* JwtTest::other_rsa_ = nullptr;

TEST_F(JwtTest, AcceptsEachAlgorithmAndReadsTheClaims) {
  auto v = Verifier();
  for (const char* alg : {"HS256", "RS256", "ES256"}) {
    absl::StatusOr<Principal> p = v->Verify(Sign(alg, Claims()), kNow);
    ASSERT_TRUE(p.ok()) << alg << ": " << p.status();
    EXPECT_EQ(p->subject, "u-123");
    EXPECT_EQ(p->officer_id, "officer-07");
    EXPECT_TRUE(p->Has(kOfficer));
    EXPECT_TRUE(p->Has(kManager));
    EXPECT_FALSE(p->Has(kAdmin));
    EXPECT_EQ(p->teams, std::vector<std::string>{"team-north"});
  }
}

TEST_F(JwtTest, OfficerIdDefaultsToSubjectAndAudienceMayBeAList) {
  TokenClaims c = Claims();
  c.officer_id = "";
  std::string payload = ClaimsJson(c);
  // Replace "aud":"casework" with an array holding it among others.
  const std::string single = "\"aud\":\"casework\"";
  payload.replace(payload.find(single), single.size(),
                  "\"aud\":[\"other\",\"casework\"]");
  absl::StatusOr<std::string> token = SignJwt("HS256", kSecret, "", payload);
  ASSERT_TRUE(token.ok());
  absl::StatusOr<Principal> p = Verifier()->Verify(*token, kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->officer_id, "u-123");
}

TEST_F(JwtTest, TimeChecksAllowTheSkewAndNoMore) {
  auto v = Verifier();  // default skew: 30 s
  TokenClaims c = Claims();
  c.expires = kNow - absl::Seconds(30);  // expired, but within the skew
  EXPECT_TRUE(v->Verify(Sign("HS256", c), kNow).ok());
  c.expires = kNow - absl::Seconds(31);
  ExpectRefused(*v, Sign("HS256", c), "expired");
  c = Claims();
  c.not_before = kNow + absl::Seconds(30);
  EXPECT_TRUE(v->Verify(Sign("HS256", c), kNow).ok());
  c.not_before = kNow + absl::Seconds(31);
  ExpectRefused(*v, Sign("HS256", c), "not valid yet");
  c = Claims();
  c.issued_at = kNow + absl::Minutes(1);
  ExpectRefused(*v, Sign("HS256", c), "issued in the future");
}

TEST_F(JwtTest, ATokenMayLiveTwelveHoursAndNoLonger) {
  auto v = Verifier();  // default max lifetime: 12 h
  TokenClaims c = Claims();
  c.issued_at = kNow - absl::Hours(1);
  c.expires = c.issued_at + absl::Hours(12);
  EXPECT_TRUE(v->Verify(Sign("HS256", c), kNow).ok());
  c.expires = c.issued_at + absl::Hours(12) + absl::Minutes(1);
  ExpectRefused(*v, Sign("HS256", c), "lifetime too long");
  // A stolen dev token made to last ten years.
  c.expires = c.issued_at + absl::Hours(24 * 3650);
  ExpectRefused(*v, Sign("RS256", c), "lifetime too long");
  // Without iat, the lifetime counts from now.
  c = Claims();
  c.issued_at = absl::UnixEpoch();  // omitted from the token
  c.not_before = absl::UnixEpoch();
  c.expires = kNow + absl::Hours(11);
  EXPECT_TRUE(v->Verify(Sign("HS256", c), kNow).ok());
  c.expires = kNow + absl::Hours(13);
  ExpectRefused(*v, Sign("HS256", c), "lifetime too long");
}

TEST_F(JwtTest, RefusesWrongIssuerAudienceAndMissingClaims) {
  auto v = Verifier();
  TokenClaims c = Claims();
  c.issuer = "https://evil.example";
  ExpectRefused(*v, Sign("RS256", c), "wrong issuer");
  c = Claims();
  c.audience = "another-system";
  ExpectRefused(*v, Sign("ES256", c), "wrong audience");
  c = Claims();
  c.subject = "";
  ExpectRefused(*v, Sign("HS256", c), "no subject");
  absl::StatusOr<std::string> no_exp = SignJwt(
      "HS256", kSecret, "",
      R"({"iss":"https://idp.example.gov.uk","aud":"casework","sub":"x"})");
  ExpectRefused(*v, *no_exp, "no expiry");
}

TEST_F(JwtTest, RefusesBadSignaturesAndUnknownKeys) {
  auto v = Verifier();
  // Signed by another key that claims the same kid.
  absl::StatusOr<std::string> forged =
      SignJwt("RS256", other_rsa_->private_pem, "rsa-1", ClaimsJson(Claims()));
  ASSERT_TRUE(forged.ok());
  ExpectRefused(*v, *forged, "bad signature");
  // A signature byte changed (for each algorithm).
  for (const char* alg : {"HS256", "RS256", "ES256"}) {
    std::string token = Sign(alg, Claims());
    const size_t dot = token.rfind('.');
    std::string sig;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(token.substr(dot + 1), &sig));
    sig[sig.size() / 2] ^= 0x01;
    ExpectRefused(*v, token.substr(0, dot + 1) + absl::WebSafeBase64Escape(sig),
                  "bad signature");
  }
  // The payload changed after signing (roles raised).
  std::string token = Sign("ES256", Claims());
  TokenClaims admin = Claims();
  admin.roles |= kAdmin;
  const size_t d1 = token.find('.'), d2 = token.rfind('.');
  ExpectRefused(*v,
                token.substr(0, d1 + 1) +
                    absl::WebSafeBase64Escape(ClaimsJson(admin)) +
                    token.substr(d2),
                "bad signature");
  ExpectRefused(*v, Sign("RS256", Claims(), "rsa-9"), "unknown key id");
  ExpectRefused(*v, Sign("RS256", Claims(), "ec-1"), "another type");
}

TEST_F(JwtTest, RefusesAlgorithmsItWasNotGiven) {
  // No HS256 secret: an HS256 token (e.g. signed with the public key text, the
  // classic confusion attack) is refused.
  auto v = Verifier(/*with_secret=*/false);
  absl::StatusOr<std::string> confused =
      SignJwt("HS256", rsa_->public_jwk_json, "rsa-1", ClaimsJson(Claims()));
  ExpectRefused(*v, *confused, "HS256 is not accepted");
  // alg none, with an empty signature.
  const std::string none =
      absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none"})"), ".",
                   absl::WebSafeBase64Escape(ClaimsJson(Claims())), ".");
  ExpectRefused(*v, none, "algorithm not accepted");
}

TEST_F(JwtTest, RefusesMalformedTokens) {
  auto v = Verifier();
  ExpectRefused(*v, "", "empty");
  ExpectRefused(*v, "abc", "not a compact JWS");
  ExpectRefused(*v, "a.b", "not a compact JWS");
  ExpectRefused(*v, "a.b.c.d", "not a compact JWS");
  ExpectRefused(*v, "!!.??.**", "not base64url");
  ExpectRefused(*v,
                absl::StrCat(absl::WebSafeBase64Escape("not json"), ".",
                             absl::WebSafeBase64Escape("{}"), "."),
                "header is not a JSON object");
  ExpectRefused(*v, std::string(9000, 'a'), "too long");
}

TEST_F(JwtTest, ReasonsNeverContainTheTokenOrTheKey) {
  auto v = Verifier();
  TokenClaims c = Claims();
  c.audience = "x";
  const std::string token = Sign("HS256", c);
  absl::StatusOr<Principal> p = v->Verify(token, kNow);
  ASSERT_FALSE(p.ok());
  const std::string message(p.status().message());
  EXPECT_EQ(message.find(token.substr(token.rfind('.') + 1)),
            std::string::npos);
  EXPECT_EQ(message.find(kSecret), std::string::npos);
}

TEST_F(JwtTest, BadKeySetsAreRefusedNamingTheKey) {
  auto create = [](const std::string& jwks) {
    return JwtVerifier::Create(
        VerifierOptions{.issuer = "i", .audience = "a", .jwks_json = jwks});
  };
  EXPECT_THAT(std::string(create("[]").status().message()),
              HasSubstr("\"keys\" array"));
  EXPECT_THAT(
      std::string(
          create(R"({"keys":[{"kty":"RSA","kid":"k1","n":"AQAB","e":"AQAB"}]})")
              .status()
              .message()),
      HasSubstr("k1"));
  EXPECT_THAT(
      std::string(
          create(
              R"({"keys":[{"kty":"EC","kid":"k2","crv":"P-384","x":"AA","y":"AA"}]})")
              .status()
              .message()),
      HasSubstr("P-256"));
  EXPECT_THAT(
      std::string(
          create(R"({"keys":[{"kty":"oct","kid":"k3"}]})").status().message()),
      HasSubstr("RSA or EC"));
  EXPECT_FALSE(create("").ok());  // no key at all
  EXPECT_FALSE(JwtVerifier::Create(VerifierOptions{.issuer = "i",
                                                   .audience = "a",
                                                   .hs256_secret = "short"})
                   .ok());
}

TEST_F(JwtTest, FuzzedTokensAreRefusedWithoutCrashing) {
  auto v = Verifier();
  std::mt19937 rng(20261123);  // fixed seed: the same cases every run
  const std::vector<std::string> seeds = {Sign("HS256", Claims()),
                                          Sign("RS256", Claims()),
                                          Sign("ES256", Claims())};
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/"
      "{}\":, "
      "\x00\xff";
  int accepted = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string t = seeds[static_cast<size_t>(i) % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (t.size() + 1);
      switch (rng() % 4) {
        case 0:  // replace a character
          if (at < t.size()) t[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:  // insert
          t.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:  // delete
          if (at < t.size()) t.erase(at, 1);
          break;
        default:  // truncate
          t.resize(at);
          break;
      }
    }
    absl::StatusOr<Principal> p = v->Verify(t, kNow);
    if (p.ok()) {
      ++accepted;  // only possible if the edits left the token unchanged
      EXPECT_TRUE(std::find(seeds.begin(), seeds.end(), t) != seeds.end())
          << "a changed token was accepted: " << t;
    } else {
      EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
    }
  }
  // Random bytes of random lengths.
  for (int i = 0; i < 2000; ++i) {
    std::string t(rng() % 300, '\0');
    for (char& ch : t) ch = static_cast<char>(rng() % 256);
    EXPECT_FALSE(v->Verify(t, kNow).ok());
  }
  EXPECT_LT(accepted, 60);
}

}  // namespace
}  // namespace casework::auth
