#include "libs/metrics/http_server.h"

#include <httplib.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace casework::metrics {

absl::Status WritePortFile(const std::string& path, int port) {
  if (path.empty()) return absl::OkStatus();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) {
      return absl::UnavailableError(
          absl::StrCat("--metrics-port-file: cannot write ", tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("--metrics-port-file: cannot write ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> BindHttp(httplib::Server& server, const std::string& host,
                             int port, const std::string& flag) {
  if (port == 0) {
    const int bound = server.bind_to_any_port(host);
    if (bound <= 0) {
      return absl::UnavailableError(
          absl::StrCat(flag, ": cannot listen on ", host, ":0"));
    }
    return bound;
  }
  if (!server.bind_to_port(host, port)) {
    return absl::UnavailableError(absl::StrCat(flag, ": cannot listen on ",
                                               host, ":", port, " (in use?)"));
  }
  return port;
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& host, int port, const Registry& registry,
    ReadyFn ready) {
  std::unique_ptr<MetricsServer> s(new MetricsServer());
  s->server_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *s->server_;
  // Two threads are plenty for a scraper and two probes.
  http.new_task_queue = [] { return new httplib::ThreadPool(2); };
  http.set_read_timeout(5, 0);
  http.set_write_timeout(5, 0);
  http.Get("/metrics", [&registry](const httplib::Request&,
                                   httplib::Response& res) {
    std::string text = registry.Render();
    absl::StrAppend(&text,
                    "# HELP process_resident_memory_bytes Resident memory size "
                    "in bytes.\n# TYPE process_resident_memory_bytes gauge\n"
                    "process_resident_memory_bytes ",
                    static_cast<int64_t>(ResidentBytes()), "\n");
    res.set_content(text, "text/plain; version=0.0.4");
  });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  http.Get("/readyz", [ready](const httplib::Request&, httplib::Response& res) {
    const absl::Status status = ready ? ready() : absl::OkStatus();
    if (status.ok()) {
      res.set_content("SERVING\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content(absl::StrCat("NOT_SERVING: ", status.message(), "\n"),
                      "text/plain");
    }
  });
  absl::StatusOr<int> bound = BindHttp(http, host, port, "--metrics-port");
  if (!bound.ok()) return bound.status();
  s->port_ = *bound;
  s->thread_ = std::thread([&http] { http.listen_after_bind(); });
  return s;
}

MetricsServer::~MetricsServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace casework::metrics
