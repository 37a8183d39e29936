#include "services/web/web_server.h"

#include <grpcpp/channel.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"
#include "libs/metrics/http_server.h"
#include "libs/rpc/raw_call.h"

namespace casework::web {
namespace {

namespace fs = std::filesystem;

struct Asset {
  std::string content;
  std::string type;
  bool immutable = false;  // a hashed name: cache for a year
};

std::string TypeOf(const std::string& extension) {
  static const auto* types = new std::map<std::string, std::string>{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  auto it = types->find(extension);
  return it == types->end() ? "application/octet-stream" : it->second;
}

// The built app, read once at start: only these paths are ever served from
// disk, so no request can name a file outside it.
std::map<std::string, Asset> LoadApp(const std::string& dir) {
  std::map<std::string, Asset> assets;
  if (dir.empty() || !fs::is_directory(dir)) return assets;
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative =
        fs::relative(entry.path(), dir).generic_string();
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Asset asset{text.str(), TypeOf(entry.path().extension().string())};
    // esbuild names bundles and fonts with a content hash: app-3F2K7Q.js
    asset.immutable = absl::StartsWith(relative, "assets/") &&
                      absl::StrContains(relative, "-");
    assets["/" + relative] = std::move(asset);
  }
  return assets;
}

std::string Origin(const std::string& url) {
  // scheme://host[:port]
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

void SecurityHeaders(httplib::Response& res, const std::string& csp) {
  res.set_header("Content-Security-Policy", csp);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  res.set_header("Permissions-Policy",
                 "camera=(), microphone=(), geolocation=()");
}

}  // namespace

bool IsReservedPath(absl::string_view path) {
  for (absl::string_view name : {"/metrics", "/healthz", "/readyz"}) {
    if (path == name || absl::StartsWith(path, absl::StrCat(name, "/"))) {
      return true;
    }
  }
  return absl::StartsWith(path, "/casework.") ||
         absl::StartsWith(path, "/grpc.");
}

std::string ContentSecurityPolicy(const std::string& issuer) {
  const std::string idp = Origin(issuer);
  const std::string extra = idp.empty() ? "" : " " + idp;
  return absl::StrCat(
      "default-src 'self'; script-src 'self'; style-src 'self'; "
      "img-src 'self' data:; font-src 'self'; connect-src 'self'",
      extra, "; form-action 'self'", extra,
      "; frame-ancestors 'none'; base-uri 'self'; object-src 'none'");
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    WebOptions options, std::shared_ptr<const ConnectGateway> gateway,
    metrics::Registry* registry) {
  std::unique_ptr<WebServer> s(new WebServer());
  s->options_ = options;
  s->gateway_ = gateway;
  s->server_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *s->server_;
  const int threads = options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_read_timeout(30, 0);
  http.set_write_timeout(30, 0);
  http.set_keep_alive_max_count(1000);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle
  // and the client's delayed ACK hold each answer back ~40 ms.
  http.set_tcp_nodelay(true);
  // A body over the limit is refused (413, a Connect resource_exhausted)
  // from its Content-Length, before it is read.
  const size_t max_body = gateway->options().max_body_bytes;
  http.set_payload_max_length(max_body);
  const std::string csp = ContentSecurityPolicy(options.oidc_issuer);
  // The HTTP layer compresses text and JSON answers with the best encoding
  // the client accepts; its Brotli runs at the top quality, ~150 ms for a
  // team's scorecard on one core, so it is not offered: gzip takes ~2 ms.
  http.set_pre_routing_handler(
      [](const httplib::Request& req, httplib::Response&) {
        auto& headers = const_cast<httplib::Request&>(req).headers;
        auto it = headers.find("Accept-Encoding");
        if (it != headers.end()) {
          std::vector<std::string> kept;
          for (absl::string_view coding : absl::StrSplit(it->second, ',')) {
            coding = absl::StripAsciiWhitespace(coding);
            if (!absl::StartsWith(coding, "br")) kept.emplace_back(coding);
          }
          it->second = absl::StrJoin(kept, ", ");
        }
        return httplib::Server::HandlerResponse::Unhandled;
      });
  if (registry != nullptr) {
    registry->Describe("casework_web_requests_total", metrics::Type::kCounter,
                       "Connect calls through the gateway, by method and "
                       "code");
    registry->Describe("casework_web_request_duration_seconds",
                       metrics::Type::kHistogram,
                       "Connect calls through the gateway: time to answer",
                       metrics::LatencyBuckets());
  }

  auto assets = std::make_shared<const std::map<std::string, Asset>>(
      LoadApp(options.app_dir));
  if (assets->empty()) {
    LogWarn("web: no built app to serve (the pages answer 503)",
            {{"app_dir", options.app_dir}});
  }

  WebServer* self = s.get();
  http.Post(R"(/([A-Za-z0-9_.]+)/([A-Za-z0-9_]+))",
            [gateway, registry, csp, self](const httplib::Request& req,
                                           httplib::Response& res) {
              const absl::Time start = absl::Now();
              HttpCall call;
              call.path = req.path;
              call.content_type = req.get_header_value("Content-Type");
              call.content_encoding = req.get_header_value("Content-Encoding");
              call.authorization = req.get_header_value("Authorization");
              call.timeout_ms = req.get_header_value("Connect-Timeout-Ms");
              call.expected_version =
                  req.get_header_value("Casework-Expected-Version");
              call.body = req.body;
              HttpReply reply = gateway->Call(call);
              res.status = reply.status;
              res.set_content(std::move(reply.body), reply.content_type);
              res.set_header("Cache-Control", "no-store");
              SecurityHeaders(res, csp);
              if (self->BackendNotServing(req.matches[1].str())) {
                res.set_header("Casework-Service-Status", "not-serving");
              }
              const std::string method =
                  reply.method.empty() ? "unknown" : reply.method;
              const std::string code(ConnectCodeName(reply.code));
              if (registry != nullptr) {
                registry->Add("casework_web_requests_total",
                              {{"method", method}, {"code", code}});
                registry->Observe("casework_web_request_duration_seconds",
                                  {{"method", method}},
                                  absl::ToDoubleSeconds(absl::Now() - start));
              }
              LogDebug("web call",
                       {{"method", method},
                        {"code", code},
                        {"us", absl::StrCat(absl::ToInt64Microseconds(
                                   absl::Now() - start))}});
            });

  const std::string config = absl::StrCat(
      "{\"issuer\":", JsonQuote(options.oidc_issuer),
      ",\"clientId\":", JsonQuote(options.oidc_client_id),
      ",\"scope\":", JsonQuote(options.oidc_scope),
      ",\"audience\":", JsonQuote(options.api_audience),
      ",\"caseSystemUrl\":", JsonQuote(options.case_system_url), "}");
  http.Get("/config.json",
           [config, csp](const httplib::Request&, httplib::Response& res) {
             res.set_content(config, "application/json");
             res.set_header("Cache-Control", "no-cache");
             SecurityHeaders(res, csp);
           });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  // Readiness is this process: listening, with its configuration read. It
  // costs no backend call; the backends' health is the metric
  // casework_web_backend_serving and each call's own error.
  http.Get("/readyz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("SERVING\n", "text/plain");
  });
  http.Get(R"(/.*)", [assets, csp](const httplib::Request& req,
                                   httplib::Response& res) {
    SecurityHeaders(res, csp);
    if (IsReservedPath(req.path)) {
      // Never the app's page: a probe or scraper must not read 200 HTML.
      const bool call = absl::StartsWith(req.path, "/casework.");
      res.status = call ? 405 : 404;
      if (call) res.set_header("Allow", "POST");
      res.set_content(
          call ? "Connect calls are POST requests\n" : "Not found\n",
          "text/plain; charset=utf-8");
      return;
    }
    std::string path = req.path == "/" ? "/index.html" : req.path;
    auto it = assets->find(path);
    const std::string last = path.substr(path.rfind('/') + 1);
    if (it == assets->end() && !absl::StrContains(last, ".")) {
      // One of the app's own pages (/team/T1): the app routes it.
      it = assets->find("/index.html");
    }
    if (it == assets->end()) {
      res.status = assets->empty() ? 503 : 404;
      res.set_content(assets->empty()
                          ? "The web app is not built: run the build "
                            "(scripts/setup.sh) and start again.\n"
                          : "Not found\n",
                      "text/plain; charset=utf-8");
      return;
    }
    res.set_header("Cache-Control", it->second.immutable
                                        ? "public, max-age=31536000, immutable"
                                        : "no-cache");
    res.set_content(it->second.content, it->second.type);
  });
  http.set_error_handler([csp, max_body](const httplib::Request& req,
                                         httplib::Response& res) {
    // The HTTP layer's own refusals (413 for a body far over the limit, 404
    // for a method on no route) in the Connect shape for calls.
    if (req.method == "POST" && res.body.empty()) {
      absl::StatusCode code = absl::StatusCode::kUnimplemented;
      std::string message = absl::StrCat("no method at ", Printable(req.path));
      if (res.status == 413) {
        code = absl::StatusCode::kResourceExhausted;
        message = absl::StrCat("the request body is over the limit of ",
                               max_body, " bytes");
      } else if (res.status == 400 || res.status == 431) {
        code = absl::StatusCode::kInvalidArgument;
        message =
            "the request is not valid HTTP: a header too long or with bytes "
            "a header may not have, or a body not in its Content-Encoding";
      }
      HttpReply reply = ConnectError(code, message);
      res.set_content(reply.body, reply.content_type);
    }
    if (!res.has_header("Content-Security-Policy")) SecurityHeaders(res, csp);
  });

  absl::StatusOr<int> bound =
      metrics::BindHttp(http, options.host, options.port, "--port");
  if (!bound.ok()) return bound.status();
  s->port_ = *bound;
  s->thread_ = std::thread([&http] { http.listen_after_bind(); });
  if (registry != nullptr) {
    registry->Describe("casework_web_backend_serving", metrics::Type::kGauge,
                       "1 when the service answers SERVING to "
                       "grpc.health.v1, else 0 (checked every 10 s)");
    s->registry_ = registry;
    s->watcher_ = std::thread([self] { self->WatchBackends(); });
  }
  return s;
}

void WebServer::RefreshBackendHealth() {
  if (registry_ == nullptr) return;
  for (const std::string& service : gateway_->services()) {
    const absl::StatusOr<bool> serving =
        CheckServing(gateway_->channel(service), absl::Seconds(1));
    const bool up = serving.ok() && *serving;
    registry_->Set("casework_web_backend_serving", {{"service", service}},
                   up ? 1 : 0);
    absl::MutexLock lock(&health_mu_);
    serving_[service] = up;
  }
}

bool WebServer::BackendNotServing(const std::string& service) const {
  absl::MutexLock lock(&health_mu_);
  auto it = serving_.find(service);
  return it != serving_.end() && !it->second;
}

void WebServer::WatchBackends() {
  for (;;) {
    RefreshBackendHealth();
    absl::MutexLock lock(&stop_mu_);
    if (stop_mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                                  options_.backend_check_interval)) {
      return;
    }
  }
}

WebServer::~WebServer() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  if (watcher_.joinable()) watcher_.join();
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace casework::web
