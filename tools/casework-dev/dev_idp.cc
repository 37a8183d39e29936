#include "tools/casework-dev/dev_idp.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/auth/jwt.h"
#include "libs/metrics/http_server.h"

namespace casework::dev {
namespace {

namespace pb = google::protobuf;

std::string Html(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"},
                                 {"<", "&lt;"},
                                 {">", "&gt;"},
                                 {"\"", "&quot;"},
                                 {"'", "&#39;"}});
}

std::string RandomToken() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  std::string out;
  absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<char*>(bytes), sizeof bytes), &out);
  return out;
}

std::string Json(const pb::Struct& s) {
  std::string out;
  (void)pb::util::MessageToJsonString(s, &out);
  return out;
}

void Cors(httplib::Response& res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Allow-Headers", "Content-Type, Authorization");
  res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.set_header("Cache-Control", "no-store");
}

void OAuthError(httplib::Response& res, int status, const std::string& error,
                const std::string& description) {
  pb::Struct body;
  (*body.mutable_fields())["error"].set_string_value(error);
  (*body.mutable_fields())["error_description"].set_string_value(description);
  res.status = status;
  res.set_content(Json(body), "application/json");
  Cors(res);
}

void Page(httplib::Response& res, int status, const std::string& title,
          const std::string& body) {
  res.status = status;
  res.set_content(
      absl::StrCat(
          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\"><title>",
          Html(title),
          " - casework development sign-in</title><style>"
          "body{font-family:arial,sans-serif;margin:0;color:#0b0c0c;"
          "font-size:19px;line-height:1.3}"
          "header{background:#0b0c0c;color:#fff;padding:10px 15px}"
          "main{max-width:960px;margin:0 auto;padding:15px}"
          "fieldset{border:0;padding:0;margin:0 0 20px}"
          "legend{font-weight:bold;font-size:24px;margin-bottom:10px}"
          ".user{margin:8px 0}.user label{margin-left:6px}"
          "input[type=radio]{width:22px;height:22px;vertical-align:middle}"
          "button{background:#00703c;color:#fff;border:0;font-size:19px;"
          "padding:8px 12px;box-shadow:0 2px 0 #002d18;cursor:pointer}"
          ":focus{outline:3px solid #fd0;outline-offset:0;"
          "box-shadow:0 -2px #fd0,0 4px #0b0c0c}"
          ".warn{border-left:10px solid #d4351c;padding:10px;"
          "margin-bottom:20px}</style></head><body><header>casework - "
          "development identity provider</header><main id=\"main\">",
          body, "</main></body></html>"),
      "text/html; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
}

std::string RoleList(unsigned roles) { return auth::RoleNames(roles); }

void Refused(httplib::Response& res, const std::string& why) {
  Page(res, 400, "Sign-in refused",
       absl::StrCat("<h1>Sign-in refused</h1><p>", Html(why), "</p>"));
}

}  // namespace

std::string S256Challenge(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()),
         verifier.size(), digest);
  std::string out;
  absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<char*>(digest), sizeof digest), &out);
  return out;
}

std::string DevIdp::issuer() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

absl::StatusOr<std::unique_ptr<DevIdp>> DevIdp::Start(DevIdpOptions options) {
  if (options.host != "127.0.0.1" && options.host != "localhost" &&
      options.host != "::1") {
    return absl::FailedPreconditionError(absl::StrCat(
        "the development identity provider signs in anyone who asks: it "
        "serves loopback only, not ",
        options.host,
        ". Point the services at the LA's provider (--auth-issuer, "
        "--auth-jwks-url) outside casework-dev"));
  }
  std::unique_ptr<DevIdp> idp(new DevIdp());
  idp->options_ = std::move(options);
  idp->server_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *idp->server_;
  http.new_task_queue = [] { return new httplib::ThreadPool(4); };
  DevIdp* self = idp.get();
  const DevIdpOptions& o = idp->options_;

  http.Get("/.well-known/openid-configuration", [self](const httplib::Request&,
                                                       httplib::Response& res) {
    const std::string iss = self->issuer();
    pb::Struct d;
    auto& f = *d.mutable_fields();
    f["issuer"].set_string_value(iss);
    f["authorization_endpoint"].set_string_value(iss + "/authorize");
    f["token_endpoint"].set_string_value(iss + "/token");
    f["jwks_uri"].set_string_value(iss + "/jwks.json");
    f["end_session_endpoint"].set_string_value(iss + "/logout");
    auto list = [&](const char* name, std::vector<std::string> values) {
      for (const std::string& v : values) {
        f[name].mutable_list_value()->add_values()->set_string_value(v);
      }
    };
    list("response_types_supported", {"code"});
    list("grant_types_supported", {"authorization_code"});
    list("subject_types_supported", {"public"});
    list("id_token_signing_alg_values_supported", {"RS256"});
    list("code_challenge_methods_supported", {"S256"});
    list("token_endpoint_auth_methods_supported", {"none"});
    list("scopes_supported", {"openid", "profile"});
    res.set_content(Json(d), "application/json");
    Cors(res);
  });
  http.Get(
      "/jwks.json", [self](const httplib::Request&, httplib::Response& res) {
        res.set_content(
            absl::StrCat("{\"keys\":[", self->options_.public_jwk_json, "]}"),
            "application/json");
        Cors(res);
      });
  http.Options(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
    Cors(res);
    res.status = 204;
  });

  // The checks of an authorization request, shared by the page and its form.
  auto check = [self](const httplib::Request& req) -> std::string {
    const DevIdpOptions& o = self->options_;
    if (req.get_param_value("response_type") != "code") {
      return "response_type must be code";
    }
    if (req.get_param_value("client_id") != o.client_id) {
      return absl::StrCat("unknown client_id '",
                          req.get_param_value("client_id"), "'");
    }
    const std::string redirect = req.get_param_value("redirect_uri");
    bool allowed = false;
    for (const std::string& origin : o.app_origins) {
      allowed = allowed || absl::StartsWith(redirect, origin + "/");
    }
    if (!allowed) {
      return absl::StrCat("redirect_uri '", redirect,
                          "' is not an address of the casework app");
    }
    if (req.get_param_value("code_challenge_method") != "S256" ||
        req.get_param_value("code_challenge").size() < 43) {
      return "PKCE is required: code_challenge with code_challenge_method "
             "S256";
    }
    return "";
  };
  http.Get("/authorize", [self, check](const httplib::Request& req,
                                       httplib::Response& res) {
    const std::string problem = check(req);
    if (!problem.empty()) return Refused(res, problem);
    std::string hidden;
    for (const char* name :
         {"response_type", "client_id", "redirect_uri", "scope", "state",
          "nonce", "code_challenge", "code_challenge_method"}) {
      absl::StrAppend(&hidden, "<input type=\"hidden\" name=\"", name,
                      "\" value=\"", Html(req.get_param_value(name)), "\">");
    }
    std::string users;
    int n = 0;
    for (const DevUser& u : self->options_.users) {
      const std::string id = absl::StrCat("user-", ++n);
      absl::StrAppend(
          &users,
          "<div class=\"user\"><input type=\"radio\" name=\"user\" id=\"", id,
          "\" value=\"", Html(u.subject), "\"", n == 1 ? " checked" : "",
          "><label for=\"", id, "\">", Html(u.name), " (", Html(u.subject),
          ": ", Html(RoleList(u.roles)),
          u.teams.empty() ? "" : absl::StrCat(", ", Html(u.teams[0])),
          ")</label></div>");
    }
    Page(res, 200, "Sign in",
         absl::StrCat(
             "<h1>Sign in to casework</h1><div class=\"warn\"><strong>"
             "Development only.</strong> This is casework-dev's own identity "
             "provider: it asks for no password. An LA signs in with its own "
             "provider.</div><form method=\"post\" action=\"/authorize\">",
             hidden, "<fieldset><legend>Who are you signing in as?</legend>",
             users,
             "</fieldset><button type=\"submit\">Sign in</button></form>"));
  });
  http.Post("/authorize", [self, check](const httplib::Request& req,
                                        httplib::Response& res) {
    const std::string problem = check(req);
    if (!problem.empty()) return Refused(res, problem);
    const std::string subject = req.get_param_value("user");
    bool known = false;
    for (const DevUser& u : self->options_.users) {
      known = known || u.subject == subject;
    }
    if (!known) return Refused(res, "Choose one of the demo users.");
    const std::string code = RandomToken();
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      // Expired codes go as new ones come.
      const absl::Time now = absl::Now();
      for (auto it = self->codes_.begin(); it != self->codes_.end();) {
        it = it->second.expires < now ? self->codes_.erase(it) : std::next(it);
      }
      self->codes_[code] = Code{subject,
                                req.get_param_value("client_id"),
                                req.get_param_value("redirect_uri"),
                                req.get_param_value("code_challenge"),
                                req.get_param_value("nonce"),
                                now + absl::Seconds(60)};
    }
    std::string location = req.get_param_value("redirect_uri");
    absl::StrAppend(&location, absl::StrContains(location, "?") ? "&" : "?",
                    "code=", code);
    if (req.has_param("state")) {
      httplib::Params p{{"state", req.get_param_value("state")}};
      absl::StrAppend(&location, "&", httplib::detail::params_to_query_str(p));
    }
    res.set_redirect(location, 303);
  });
  http.Post("/token", [self](const httplib::Request& req,
                             httplib::Response& res) {
    if (req.get_param_value("grant_type") != "authorization_code") {
      OAuthError(res, 400, "unsupported_grant_type",
                 "only authorization_code is supported");
      return;
    }
    Code code;
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      auto it = self->codes_.find(req.get_param_value("code"));
      if (it == self->codes_.end() || it->second.expires < absl::Now()) {
        OAuthError(res, 400, "invalid_grant",
                   "the code is unknown, used or expired");
        return;
      }
      code = it->second;
      self->codes_.erase(it);  // one use only
    }
    if (req.get_param_value("client_id") != code.client_id ||
        req.get_param_value("redirect_uri") != code.redirect_uri) {
      OAuthError(res, 400, "invalid_grant",
                 "client_id or redirect_uri differ from the authorization");
      return;
    }
    if (S256Challenge(req.get_param_value("code_verifier")) != code.challenge) {
      OAuthError(res, 400, "invalid_grant",
                 "code_verifier does not match the code_challenge");
      return;
    }
    const DevIdpOptions& o = self->options_;
    const DevUser* user = nullptr;
    for (const DevUser& u : o.users) {
      if (u.subject == code.subject) user = &u;
    }
    const absl::Time now = absl::Now();
    absl::StatusOr<std::string> access = auth::SignJwt(
        "RS256", o.private_pem, o.kid,
        auth::ClaimsJson(auth::TokenClaims{.issuer = self->issuer(),
                                           .audience = o.audience,
                                           .subject = user->subject,
                                           .officer_id = user->subject,
                                           .roles = user->roles,
                                           .teams = user->teams,
                                           .issued_at = now,
                                           .not_before = now,
                                           .expires = now + o.token_lifetime}));
    pb::Struct id;
    auto& f = *id.mutable_fields();
    f["iss"].set_string_value(self->issuer());
    f["aud"].set_string_value(code.client_id);
    f["sub"].set_string_value(user->subject);
    f["name"].set_string_value(user->name);
    f["officer_id"].set_string_value(user->subject);
    for (const std::string& team : user->teams) {
      f["teams"].mutable_list_value()->add_values()->set_string_value(team);
    }
    f["teams"].mutable_list_value();
    for (absl::string_view role :
         absl::StrSplit(auth::RoleNames(user->roles), ',')) {
      f["roles"].mutable_list_value()->add_values()->set_string_value(
          std::string(role));
    }
    f["iat"].set_number_value(static_cast<double>(absl::ToUnixSeconds(now)));
    f["auth_time"].set_number_value(
        static_cast<double>(absl::ToUnixSeconds(now)));
    f["exp"].set_number_value(
        static_cast<double>(absl::ToUnixSeconds(now + o.token_lifetime)));
    if (!code.nonce.empty()) f["nonce"].set_string_value(code.nonce);
    absl::StatusOr<std::string> id_token =
        auth::SignJwt("RS256", o.private_pem, o.kid, Json(id));
    if (!access.ok() || !id_token.ok()) {
      OAuthError(res, 500, "server_error", "cannot sign the tokens");
      return;
    }
    pb::Struct body;
    auto& b = *body.mutable_fields();
    b["access_token"].set_string_value(*access);
    b["id_token"].set_string_value(*id_token);
    b["token_type"].set_string_value("Bearer");
    b["scope"].set_string_value("openid profile");
    b["expires_in"].set_number_value(absl::ToDoubleSeconds(o.token_lifetime));
    res.set_content(Json(body), "application/json");
    Cors(res);
  });
  http.Get("/logout", [self](const httplib::Request& req,
                             httplib::Response& res) {
    const std::string back = req.get_param_value("post_logout_redirect_uri");
    for (const std::string& origin : self->options_.app_origins) {
      if (back == origin || absl::StartsWith(back, origin + "/")) {
        res.set_redirect(back, 303);
        return;
      }
    }
    Page(res, 200, "Signed out",
         "<h1>You have signed out</h1><p>Close this page, or go back to "
         "casework to sign in again.</p>");
  });

  absl::StatusOr<int> bound =
      metrics::BindHttp(http, o.host, o.port, "--oidc-port");
  if (!bound.ok()) return bound.status();
  idp->port_ = *bound;
  idp->thread_ = std::thread([&http] { http.listen_after_bind(); });
  return idp;
}

DevIdp::~DevIdp() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace casework::dev
