// Keys from the identity provider's JWKS endpoint, fetched at start and
// refreshed while the service runs, so the LA's provider can rotate its
// signing keys without a restart of any service:
//  - every `refresh` (default 10 min) in the background;
//  - at once when a token names a key id the service does not know (a new
//    key, published before the provider signs with it), at most once per
//    `min_refetch` (default 30 s), so a stream of forged key ids cannot turn
//    the service into a load on the provider.
// A failed fetch keeps the last good keys (logged, counted); the first fetch
// must succeed or the service does not start (it could verify nothing). A
// key of the set that cannot be used is skipped with a warning; a set with
// no usable key counts as a failed fetch.
//
// Thread safety: Verify is thread-safe; the background thread stops with the
// object.
#ifndef CASEWORK_LIBS_AUTH_JWKS_H_
#define CASEWORK_LIBS_AUTH_JWKS_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "libs/auth/jwt.h"

namespace casework::auth {

// GET url: the body, or an error naming the URL and what went wrong.
using JwksFetcher =
    std::function<absl::StatusOr<std::string>(const std::string& url)>;

// HTTPS with the system's CA certificates, 5 s timeouts, no redirects, at
// most 1 MiB. Plain http:// only for a loopback host (127.0.0.0/8, [::1],
// localhost: a development provider); INVALID_ARGUMENT for any other.
JwksFetcher HttpFetcher();

struct JwksOptions {
  std::string url;
  absl::Duration refresh = absl::Minutes(10);
  absl::Duration min_refetch = absl::Seconds(30);
  bool background = true;  // tests drive refreshes themselves
};

class JwksVerifier final : public JwtVerifier {
 public:
  // `base` gives issuer, audience, skew, lifetime and an optional HS256
  // secret; its jwks_json is replaced by what the URL serves.
  static absl::StatusOr<std::unique_ptr<JwksVerifier>> Create(
      VerifierOptions base, JwksOptions options, JwksFetcher fetcher);
  ~JwksVerifier() override;

  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const override;
  // In the keys of the last good fetch: a key the provider withdrew (say,
  // compromised) stops vouching for tokens at the next refresh.
  bool TrustsKey(absl::string_view key_id) const override;
  std::vector<std::string> SkippedKeys() const override;

  // Fetches now (unless fetched less than min_refetch before `now` and
  // `force` is false). OK when the keys were replaced; the error otherwise
  // (the old keys stay).
  absl::Status Refresh(absl::Time now, bool force) const;
  int64_t fetches() const;

 private:
  JwksVerifier(VerifierOptions base, JwksOptions options, JwksFetcher fetcher)
      : base_(std::move(base)),
        options_(std::move(options)),
        fetcher_(std::move(fetcher)) {}
  std::shared_ptr<const JwtVerifier> current() const;

  const VerifierOptions base_;
  const JwksOptions options_;
  const JwksFetcher fetcher_;
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const JwtVerifier> current_ ABSL_GUARDED_BY(mu_);
  mutable std::mutex refresh_mu_;  // one fetch at a time
  mutable absl::Time last_fetch_ = absl::InfinitePast();
  mutable int64_t fetches_ = 0;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace casework::auth

#endif  // CASEWORK_LIBS_AUTH_JWKS_H_
