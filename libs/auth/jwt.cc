#include "libs/auth/jwt.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace casework::auth {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kMaxTokenBytes = 8192;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", why));
}

std::string B64(absl::string_view bytes) {
  return absl::WebSafeBase64Escape(bytes);  // no padding
}

// Strict: unpadded and canonical (a text whose unused low bits differ would
// otherwise decode to the same bytes, making tokens malleable).
bool UnB64(absl::string_view text, std::string* out) {
  if (text.find('=') != absl::string_view::npos) return false;
  return absl::WebSafeBase64Unescape(text, out) &&
         absl::WebSafeBase64Escape(*out) == text;
}

absl::StatusOr<Struct> ParseObject(absl::string_view json) {
  Struct out;
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &out,
                                                   options)
           .ok()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  return out;
}

const Value* Field(const Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string StringField(const Struct& s, const std::string& name) {
  const Value* v = Field(s, name);
  return v != nullptr && v->kind_case() == Value::kStringValue
             ? v->string_value()
             : "";
}

std::string BigEndianOf(const BIGNUM* bn) {
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

// --- keys -----------------------------------------------------------------

absl::StatusOr<Pkey> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  const bool ok =
      params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok) return absl::InvalidArgumentError("not a valid public key");
  return Pkey(key);
}

absl::StatusOr<Pkey> RsaFromJwk(const Struct& jwk) {
  std::string n, e;
  if (!UnB64(StringField(jwk, "n"), &n) || !UnB64(StringField(jwk, "e"), &e) ||
      n.empty() || e.empty()) {
    return absl::InvalidArgumentError("RSA key needs base64url n and e");
  }
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  absl::StatusOr<Pkey> key = FromParams("RSA", bld);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  if (key.ok() && EVP_PKEY_get_bits(key->get()) < 2048) {
    return absl::InvalidArgumentError("RSA key shorter than 2048 bits");
  }
  return key;
}

absl::StatusOr<Pkey> EcFromJwk(const Struct& jwk) {
  if (StringField(jwk, "crv") != "P-256") {
    return absl::InvalidArgumentError("EC key must be on curve P-256");
  }
  std::string x, y;
  if (!UnB64(StringField(jwk, "x"), &x) || !UnB64(StringField(jwk, "y"), &y) ||
      x.size() != 32 || y.size() != 32) {
    return absl::InvalidArgumentError("EC key needs 32-byte base64url x and y");
  }
  const std::string point = absl::StrCat(std::string(1, '\x04'), x, y);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                  0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                   point.size());
  absl::StatusOr<Pkey> key = FromParams("EC", bld);
  OSSL_PARAM_BLD_free(bld);
  return key;
}

absl::StatusOr<Pkey> PrivateFromPem(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr)
    return absl::InvalidArgumentError("not a PEM private key");
  return Pkey(key);
}

// --- signatures -------------------------------------------------------------

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
       &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

bool VerifyWithKey(EVP_PKEY* key, absl::string_view data,
                   absl::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(
          ctx, reinterpret_cast<const unsigned char*>(signature.data()),
          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
          data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// JWS carries ECDSA signatures as r || s (32 bytes each); OpenSSL uses DER.
std::optional<std::string> RawToDer(absl::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32,
                        nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32,
                        32, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  const int len = i2d_ECDSA_SIG(sig, nullptr);
  std::optional<std::string> out;
  if (len > 0) {
    std::string der(static_cast<size_t>(len), '\0');
    unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_ECDSA_SIG(sig, &p);
    out = std::move(der);
  }
  ECDSA_SIG_free(sig);
  return out;
}

std::optional<std::string> DerToRaw(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string raw(64, '\0');
  BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

// --- claims ---------------------------------------------------------------

std::optional<double> NumberField(const Struct& s, const std::string& name) {
  const Value* v = Field(s, name);
  if (v == nullptr || v->kind_case() != Value::kNumberValue ||
      !std::isfinite(v->number_value())) {
    return std::nullopt;
  }
  return v->number_value();
}

std::vector<std::string> StringList(const Struct& s, const std::string& name) {
  std::vector<std::string> out;
  const Value* v = Field(s, name);
  if (v == nullptr) return out;
  if (v->kind_case() == Value::kStringValue) {
    out.push_back(v->string_value());
  } else if (v->kind_case() == Value::kListValue) {
    for (const Value& item : v->list_value().values()) {
      if (item.kind_case() == Value::kStringValue)
        out.push_back(item.string_value());
    }
  }
  return out;
}

class Verifier final : public JwtVerifier {
 public:
  Verifier(VerifierOptions options, std::map<std::string, Pkey> keys,
           std::map<std::string, std::string> key_types,
           std::vector<std::string> skipped)
      : options_(std::move(options)),
        keys_(std::move(keys)),
        key_types_(std::move(key_types)),
        skipped_(std::move(skipped)) {}

  bool TrustsKey(absl::string_view key_id) const override {
    if (key_id.empty()) return !options_.hs256_secret.empty();
    return keys_.contains(std::string(key_id));
  }
  std::vector<std::string> SkippedKeys() const override { return skipped_; }

  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const override {
    if (token.empty()) return Unauthenticated("empty");
    if (token.size() > kMaxTokenBytes) return Unauthenticated("too long");
    std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
    if (parts.size() != 3) {
      return Unauthenticated("not a compact JWS (header.payload.signature)");
    }
    std::string header_json, payload_json, signature;
    if (!UnB64(parts[0], &header_json) || !UnB64(parts[1], &payload_json) ||
        !UnB64(parts[2], &signature)) {
      return Unauthenticated("not base64url");
    }
    absl::StatusOr<Struct> header = ParseObject(header_json);
    if (!header.ok()) return Unauthenticated("header is not a JSON object");
    const std::string alg = StringField(*header, "alg");
    const std::string kid = StringField(*header, "kid");
    const std::string signed_part =
        absl::StrCat(parts[0], ".", parts[1]);  // what was signed
    std::string used_key;

    if (alg == "HS256") {
      if (options_.hs256_secret.empty()) {
        return Unauthenticated("HS256 is not accepted here");
      }
      const std::string expected =
          HmacSha256(options_.hs256_secret, signed_part);
      if (signature.size() != expected.size() ||
          CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) !=
              0) {
        return Unauthenticated("bad signature");
      }
    } else if (alg == "RS256" || alg == "ES256") {
      const std::string kty = alg == "RS256" ? "RSA" : "EC";
      EVP_PKEY* key = nullptr;
      if (!kid.empty()) {
        auto it = keys_.find(kid);
        if (it == keys_.end()) return Unauthenticated("unknown key id");
        if (key_types_.at(kid) != kty) {
          return Unauthenticated("key id names a key of another type");
        }
        key = it->second.get();
        used_key = kid;
      } else {
        int matching = 0;
        for (const auto& [id, k] : keys_) {
          if (key_types_.at(id) == kty) {
            key = k.get();
            used_key = id;
            ++matching;
          }
        }
        if (matching != 1) return Unauthenticated("no key id (kid)");
      }
      std::string sig = signature;
      if (alg == "ES256") {
        std::optional<std::string> der = RawToDer(signature);
        if (!der) return Unauthenticated("bad signature");
        sig = std::move(*der);
      }
      if (!VerifyWithKey(key, signed_part, sig)) {
        return Unauthenticated("bad signature");
      }
    } else {
      return Unauthenticated(alg.empty() ? "no algorithm"
                                         : "algorithm not accepted");
    }

    // Authentic: now the claims.
    absl::StatusOr<Struct> claims = ParseObject(payload_json);
    if (!claims.ok()) return Unauthenticated("payload is not a JSON object");
    if (StringField(*claims, "iss") != options_.issuer) {
      return Unauthenticated("wrong issuer");
    }
    std::vector<std::string> audiences = StringList(*claims, "aud");
    if (std::find(audiences.begin(), audiences.end(), options_.audience) ==
        audiences.end()) {
      return Unauthenticated("wrong audience");
    }
    std::optional<double> exp = NumberField(*claims, "exp");
    if (!exp) return Unauthenticated("no expiry (exp)");
    const absl::Time expires = absl::FromUnixSeconds(static_cast<int64_t>(
        std::min(*exp, 4e11)));  // far future is clamped, not overflowed
    if (now > expires + options_.skew) return Unauthenticated("expired");
    // A token may live at most max_lifetime: from its issue, or from now when
    // it does not say when it was issued.
    absl::Time issued = now;
    if (std::optional<double> iat = NumberField(*claims, "iat")) {
      issued = absl::FromUnixSeconds(
          static_cast<int64_t>(std::max(std::min(*iat, 4e11), -4e11)));
      if (now + options_.skew < issued) {
        return Unauthenticated("issued in the future (iat)");
      }
    }
    if (expires - issued > options_.max_lifetime + options_.skew) {
      return Unauthenticated(
          absl::StrCat("lifetime too long (exp - iat over ",
                       absl::FormatDuration(options_.max_lifetime), ")"));
    }
    if (std::optional<double> nbf = NumberField(*claims, "nbf")) {
      const absl::Time not_before =
          absl::FromUnixSeconds(static_cast<int64_t>(std::min(*nbf, 4e11)));
      if (now + options_.skew < not_before) {
        return Unauthenticated("not valid yet (nbf)");
      }
    }
    Principal p;
    p.subject = StringField(*claims, "sub");
    if (p.subject.empty()) return Unauthenticated("no subject (sub)");
    p.officer_id = StringField(*claims, "officer_id");
    if (p.officer_id.empty()) p.officer_id = p.subject;
    for (const std::string& role : StringList(*claims, "roles")) {
      p.roles |= RoleFromName(role);
    }
    p.teams = StringList(*claims, "teams");
    p.expires = expires;
    p.key_id = used_key;
    return p;
  }

 private:
  const VerifierOptions options_;
  const std::map<std::string, Pkey> keys_;              // kid -> public key
  const std::map<std::string, std::string> key_types_;  // kid -> RSA / EC
  const std::vector<std::string> skipped_;
};

}  // namespace

constexpr Role kRoles[] = {kOfficer, kManager,       kAdmin, kIntegration,
                           kReturns, kHeadOfService, kQa};

const char* RoleName(Role role) {
  switch (role) {
    case kOfficer:
      return "officer";
    case kManager:
      return "manager";
    case kAdmin:
      return "admin";
    case kIntegration:
      return "integration";
    case kReturns:
      return "returns";
    case kHeadOfService:
      return "head_of_service";
    case kQa:
      return "qa";
  }
  return "";
}

unsigned RoleFromName(absl::string_view name) {
  for (Role r : kRoles) {
    if (name == RoleName(r)) return r;
  }
  return 0;
}

std::string RoleNames(unsigned roles) {
  std::vector<std::string> names;
  for (Role r : kRoles) {
    if ((roles & r) != 0) names.push_back(RoleName(r));
  }
  return absl::StrJoin(names, ",");
}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    VerifierOptions options) {
  if (options.issuer.empty() || options.audience.empty()) {
    return absl::InvalidArgumentError(
        "authentication needs an issuer and an audience");
  }
  if (!options.hs256_secret.empty() && options.hs256_secret.size() < 32) {
    return absl::InvalidArgumentError(
        "the HS256 secret must be at least 32 characters");
  }
  std::map<std::string, Pkey> keys;
  std::map<std::string, std::string> types;
  std::vector<std::string> skipped;
  if (!options.jwks_json.empty()) {
    absl::StatusOr<Struct> jwks = ParseObject(options.jwks_json);
    const Value* list = jwks.ok() ? Field(*jwks, "keys") : nullptr;
    if (list == nullptr || list->kind_case() != Value::kListValue) {
      return absl::InvalidArgumentError(
          "JWKS: expected a JSON object with a \"keys\" array");
    }
    int index = 0;
    std::map<std::string, int> seen;  // kid -> how many keys name it
    for (const Value& entry : list->list_value().values()) {
      if (entry.kind_case() == Value::kStructValue) {
        ++seen[StringField(entry.struct_value(), "kid")];
      }
    }
    for (const Value& entry : list->list_value().values()) {
      const std::string where = absl::StrCat("key ", index++);
      if (entry.kind_case() != Value::kStructValue) {
        skipped.push_back(absl::StrCat(where, ": not an object"));
        continue;
      }
      const Struct& jwk = entry.struct_value();
      const std::string use = StringField(jwk, "use");
      if (!use.empty() && use != "sig") continue;  // encryption keys
      const std::string kty = StringField(jwk, "kty");
      const std::string kid = StringField(jwk, "kid");
      if (kid.empty()) {
        skipped.push_back(absl::StrCat(where, ": no kid"));
        continue;
      }
      if (seen[kid] > 1) {
        // Which of them signs is unknowable: neither is trusted.
        skipped.push_back(absl::StrCat(where, " (", kid, "): kid ", kid,
                                       " appears ", seen[kid], " times"));
        continue;
      }
      absl::StatusOr<Pkey> key = absl::InvalidArgumentError(absl::StrCat(
          "kty must be RSA or EC, not '", kty, "'"));  // replaced below
      if (kty == "RSA") {
        key = RsaFromJwk(jwk);
      } else if (kty == "EC") {
        key = EcFromJwk(jwk);
      }
      if (!key.ok()) {
        skipped.push_back(
            absl::StrCat(where, " (", kid, "): ", key.status().message()));
        continue;
      }
      keys.emplace(kid, std::move(*key));
      types.emplace(kid, kty);
    }
    if (keys.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "JWKS: no usable key",
          skipped.empty()
              ? ""
              : absl::StrCat(" (skipped ", absl::StrJoin(skipped, "; "), ")")));
    }
    for (const std::string& why : skipped) {
      LogWarn("auth: a JWKS key is skipped", {{"key", why}});
    }
  }
  if (keys.empty() && options.hs256_secret.empty()) {
    return absl::InvalidArgumentError(
        "authentication has no key: give a JWKS file or an HS256 secret");
  }
  return std::unique_ptr<JwtVerifier>(
      new Verifier(std::move(options), std::move(keys), std::move(types),
                   std::move(skipped)));
}

std::string ClaimsJson(const TokenClaims& c) {
  Struct s;
  auto& f = *s.mutable_fields();
  f["iss"].set_string_value(c.issuer);
  f["aud"].set_string_value(c.audience);
  f["sub"].set_string_value(c.subject);
  if (!c.officer_id.empty()) f["officer_id"].set_string_value(c.officer_id);
  auto* roles = f["roles"].mutable_list_value();
  for (Role r : kRoles) {
    if ((c.roles & r) != 0) roles->add_values()->set_string_value(RoleName(r));
  }
  auto* teams = f["teams"].mutable_list_value();
  for (const std::string& t : c.teams) teams->add_values()->set_string_value(t);
  if (c.issued_at != absl::UnixEpoch()) {
    f["iat"].set_number_value(
        static_cast<double>(absl::ToUnixSeconds(c.issued_at)));
  }
  if (c.not_before != absl::UnixEpoch()) {
    f["nbf"].set_number_value(
        static_cast<double>(absl::ToUnixSeconds(c.not_before)));
  }
  f["exp"].set_number_value(
      static_cast<double>(absl::ToUnixSeconds(c.expires)));
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(s, &out);
  return out;
}

absl::StatusOr<std::string> SignJwt(absl::string_view alg,
                                    absl::string_view key,
                                    absl::string_view kid,
                                    absl::string_view payload_json) {
  Struct header;
  (*header.mutable_fields())["alg"].set_string_value(std::string(alg));
  (*header.mutable_fields())["typ"].set_string_value("JWT");
  if (!kid.empty())
    (*header.mutable_fields())["kid"].set_string_value(std::string(kid));
  std::string header_json;
  (void)google::protobuf::util::MessageToJsonString(header, &header_json);
  const std::string signed_part =
      absl::StrCat(B64(header_json), ".", B64(payload_json));
  std::string signature;
  if (alg == "HS256") {
    signature = HmacSha256(key, signed_part);
  } else if (alg == "RS256" || alg == "ES256") {
    ASSIGN_OR_RETURN(Pkey pkey, PrivateFromPem(key));
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr,
                                 pkey.get()) == 1 &&
              EVP_DigestSign(
                  ctx, nullptr, &len,
                  reinterpret_cast<const unsigned char*>(signed_part.data()),
                  signed_part.size()) == 1;
    if (ok) {
      signature.resize(len);
      ok = EVP_DigestSign(
               ctx, reinterpret_cast<unsigned char*>(signature.data()), &len,
               reinterpret_cast<const unsigned char*>(signed_part.data()),
               signed_part.size()) == 1;
      signature.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) return absl::InternalError("signing failed");
    if (alg == "ES256") {
      std::optional<std::string> raw = DerToRaw(signature);
      if (!raw) return absl::InternalError("signing failed");
      signature = std::move(*raw);
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot sign with algorithm ", alg));
  }
  return absl::StrCat(signed_part, ".", B64(signature));
}

absl::StatusOr<SigningKey> GenerateSigningKey(absl::string_view alg,
                                              absl::string_view kid) {
  EVP_PKEY* raw = nullptr;
  if (alg == "RS256") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  } else if (alg == "ES256") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("no key type for algorithm ", alg));
  }
  if (raw == nullptr) return absl::InternalError("key generation failed");
  Pkey key(raw);
  SigningKey out;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr,
                           nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  out.private_pem.assign(data, static_cast<size_t>(len));
  BIO_free(bio);

  Struct jwk;
  auto& f = *jwk.mutable_fields();
  f["kid"].set_string_value(std::string(kid));
  f["alg"].set_string_value(std::string(alg));
  f["use"].set_string_value("sig");
  if (alg == "RS256") {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e);
    f["kty"].set_string_value("RSA");
    f["n"].set_string_value(B64(BigEndianOf(n)));
    f["e"].set_string_value(B64(BigEndianOf(e)));
    BN_free(n);
    BN_free(e);
  } else {
    unsigned char point[65];
    size_t point_len = 0;
    if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                        point, sizeof(point),
                                        &point_len) != 1 ||
        point_len != 65) {
      return absl::InternalError("cannot export the EC public key");
    }
    f["kty"].set_string_value("EC");
    f["crv"].set_string_value("P-256");
    f["x"].set_string_value(
        B64(absl::string_view(reinterpret_cast<char*>(point) + 1, 32)));
    f["y"].set_string_value(
        B64(absl::string_view(reinterpret_cast<char*>(point) + 33, 32)));
  }
  (void)google::protobuf::util::MessageToJsonString(jwk, &out.public_jwk_json);
  return out;
}

absl::StatusOr<std::string> GenerateSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("no random bytes");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

}  // namespace casework::auth
