#include "libs/auth/jwks.h"

#include <arpa/inet.h>
#include <httplib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"

namespace casework::auth {

JwksFetcher HttpFetcher() {
  return [](const std::string& url) -> absl::StatusOr<std::string> {
    // scheme://host[:port]/path
    const size_t scheme = url.find("://");
    const size_t path = scheme == std::string::npos ? std::string::npos
                                                    : url.find('/', scheme + 3);
    if (scheme == std::string::npos || !(absl::StartsWith(url, "http://") ||
                                         absl::StartsWith(url, "https://"))) {
      return absl::InvalidArgumentError(
          absl::StrCat("--auth-jwks-url: '", url, "' is not an http(s) URL"));
    }
    if (absl::StartsWith(url, "http://")) {
      const std::string authority = url.substr(
          7, path == std::string::npos ? std::string::npos : path - 7);
      std::string host = authority;
      if (absl::StartsWith(host, "[")) {
        host = host.substr(0, host.find(']') + 1);
      } else {
        host = host.substr(0, host.find(':'));
      }
      in_addr v4{};
      const bool loopback = (inet_pton(AF_INET, host.c_str(), &v4) == 1 &&
                             (ntohl(v4.s_addr) >> 24) == 127) ||
                            host == "[::1]" ||
                            absl::AsciiStrToLower(host) == "localhost";
      if (!loopback) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--auth-jwks-url: '", url,
            "' is plain http to a host that is not this machine: keys must "
            "come over https (http is for a loopback development provider "
            "only)"));
      }
    }
    httplib::Client client(url.substr(0, path));
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(5, 0);
    client.set_follow_location(false);
    httplib::Result r =
        client.Get(path == std::string::npos ? "/" : url.substr(path).c_str());
    if (!r) {
      return absl::UnavailableError(
          absl::StrCat("JWKS ", url, ": ", httplib::to_string(r.error())));
    }
    if (r->status != 200) {
      return absl::UnavailableError(
          absl::StrCat("JWKS ", url, ": HTTP ", r->status));
    }
    if (r->body.size() > (size_t{1} << 20)) {
      return absl::UnavailableError(absl::StrCat("JWKS ", url, ": over 1 MiB"));
    }
    return r->body;
  };
}

absl::StatusOr<std::unique_ptr<JwksVerifier>> JwksVerifier::Create(
    VerifierOptions base, JwksOptions options, JwksFetcher fetcher) {
  std::unique_ptr<JwksVerifier> v(new JwksVerifier(
      std::move(base), std::move(options), std::move(fetcher)));
  absl::Status first = v->Refresh(absl::Now(), /*force=*/true);
  if (!first.ok()) {
    return absl::Status(first.code(),
                        absl::StrCat("--auth-jwks-url: ", first.message()));
  }
  if (v->options_.background) {
    JwksVerifier* self = v.get();
    v->thread_ = std::thread([self] {
      while (
          !self->stop_.WaitForNotificationWithTimeout(self->options_.refresh)) {
        absl::Status s = self->Refresh(absl::Now(), /*force=*/true);
        if (!s.ok()) {
          LogWarn("auth: JWKS refresh failed; keeping the keys we have",
                  {{"url", self->options_.url},
                   {"reason", std::string(s.message())}});
        }
      }
    });
  }
  return v;
}

JwksVerifier::~JwksVerifier() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const JwtVerifier> JwksVerifier::current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

int64_t JwksVerifier::fetches() const {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  return fetches_;
}

absl::Status JwksVerifier::Refresh(absl::Time now, bool force) const {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  if (!force && absl::AbsDuration(now - last_fetch_) < options_.min_refetch) {
    return absl::ResourceExhaustedError("fetched moments ago");
  }
  last_fetch_ = now;
  ++fetches_;
  absl::StatusOr<std::string> jwks = fetcher_(options_.url);
  if (!jwks.ok()) return jwks.status();
  VerifierOptions options = base_;
  options.jwks_json = *jwks;
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier =
      JwtVerifier::Create(std::move(options));
  if (!verifier.ok()) {
    return absl::Status(
        verifier.status().code(),
        absl::StrCat(options_.url, ": ", verifier.status().message()));
  }
  std::shared_ptr<const JwtVerifier> next(std::move(*verifier));
  absl::MutexLock guard(&mu_);
  current_ = std::move(next);
  return absl::OkStatus();
}

bool JwksVerifier::TrustsKey(absl::string_view key_id) const {
  return current()->TrustsKey(key_id);
}

std::vector<std::string> JwksVerifier::SkippedKeys() const {
  return current()->SkippedKeys();
}

absl::StatusOr<Principal> JwksVerifier::Verify(absl::string_view token,
                                               absl::Time now) const {
  absl::StatusOr<Principal> principal = current()->Verify(token, now);
  if (!principal.ok() &&
      (absl::StrContains(principal.status().message(), "unknown key id") ||
       absl::StrContains(principal.status().message(), "no key id"))) {
    // Perhaps a key the provider published since the last fetch.
    if (Refresh(now, /*force=*/false).ok()) {
      return current()->Verify(token, now);
    }
  }
  return principal;
}

}  // namespace casework::auth
