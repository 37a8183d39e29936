// The development identity provider of casework-dev: just enough OpenID
// Connect for the web app to take the same standard path it takes against an
// LA's provider (Entra ID and the like) - authorization code with PKCE (S256
// only), discovery, a JWKS, RS256 access and ID tokens - with an authorize
// page that lets anyone pick a demo user. It has no passwords, so it serves
// loopback only and exists only in casework-dev.
//
//   GET  /.well-known/openid-configuration
//   GET  /jwks.json
//   GET  /authorize   the page: pick a demo user (client_id, redirect_uri,
//                     state, nonce, code_challenge(_method=S256) checked)
//   POST /authorize   issues a one-time code (60 s) and redirects back
//   POST /token       code + code_verifier -> access_token (aud: the API
//                     audience, the claims the services read: sub,
//                     officer_id, roles, teams) and id_token (aud: the
//                     client, nonce, name, the same claims for the app)
//   GET  /logout      back to post_logout_redirect_uri (of the app)
//
// Thread safety: thread-safe.
#ifndef CASEWORK_TOOLS_CASEWORK_DEV_DEV_IDP_H_
#define CASEWORK_TOOLS_CASEWORK_DEV_DEV_IDP_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace casework::dev {

struct DevUser {
  std::string subject;  // also the officer id
  std::string name;
  unsigned roles = 0;  // auth::Role bits
  std::vector<std::string> teams;
};

struct DevIdpOptions {
  std::string host = "127.0.0.1";
  int port = 8090;  // 0: a free port
  std::string client_id = "casework-web";
  std::string audience = "casework";
  // Where the app may be sent back to: origins, "http://127.0.0.1:8080".
  std::vector<std::string> app_origins;
  // The signing key (PEM) and its public JWK; kept in the data directory so
  // a restart keeps signed-in sessions.
  std::string private_pem;
  std::string public_jwk_json;
  std::string kid;
  std::vector<DevUser> users;
  absl::Duration token_lifetime = absl::Hours(8);
};

class DevIdp {
 public:
  // FAILED_PRECONDITION for a host other than loopback; UNAVAILABLE when the
  // port is taken.
  static absl::StatusOr<std::unique_ptr<DevIdp>> Start(DevIdpOptions options);
  ~DevIdp();

  int port() const { return port_; }
  // http://127.0.0.1:<port>: the issuer of every token of the dev stack.
  std::string issuer() const;

 private:
  DevIdp() = default;
  struct Code {
    std::string subject, client_id, redirect_uri, challenge, nonce;
    absl::Time expires;
  };
  DevIdpOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::map<std::string, Code> codes_;
};

// base64url(SHA-256(verifier)), the S256 code challenge (RFC 7636).
std::string S256Challenge(const std::string& verifier);

}  // namespace casework::dev

#endif  // CASEWORK_TOOLS_CASEWORK_DEV_DEV_IDP_H_
