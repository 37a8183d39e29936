// web: the browser app and the Connect gateway in front of casework's gRPC
// services (services/web/web_server.h). Stateless: it holds no data and no
// token; run as many as needed behind the LA's load balancer.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <httplib.h>

#include <csignal>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/projection.pb.h"
#include "casework/v1/returns.pb.h"
#include "libs/core/log.h"
#include "libs/host/catalogue.h"
#include "libs/metrics/http_server.h"
#include "libs/rpc/server.h"
#include "services/web/web_server.h"

namespace {

using namespace casework;

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "web: %s\n", std::string(status.message()).c_str());
  return 2;
}

absl::StatusOr<int> Number(const Flags& flags, const std::string& name,
                           const std::string& env, const std::string& fallback,
                           int low, int high) {
  const std::string text = flags.Get(name, env, fallback);
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < low || value > high) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, ": '", text, "' is not a number from ", low, " to ", high));
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  // `web probe [HOST:PORT]`: the container's health check (GET /readyz; exit
  // 0 when the gateway process serves).
  if (argc >= 2 && std::string(argv[1]) == "probe") {
    const std::string target = argc >= 3 ? argv[2] : "127.0.0.1:8080";
    const size_t colon = target.rfind(':');
    int port = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(target.substr(colon + 1), &port)) {
      std::fprintf(stderr, "web probe: '%s' is not HOST:PORT\n",
                   target.c_str());
      return 2;
    }
    httplib::Client client(target.substr(0, colon), port);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    httplib::Result r = client.Get("/readyz");
    if (!r) {
      std::fprintf(stderr, "web probe: %s: %s\n", target.c_str(),
                   httplib::to_string(r.error()).c_str());
      return 1;
    }
    std::fprintf(r->status == 200 ? stdout : stderr, "%s", r->body.c_str());
    return r->status == 200 ? 0 : 1;
  }
  // The descriptors of every service the gateway routes must be linked in.
  (void)v1::Timeline::descriptor();
  (void)v1::Sen2Export::descriptor();
  std::vector<std::string> known = {
      "port",           "listen",           "app-dir",       "oidc-issuer",
      "oidc-client-id", "oidc-scope",       "auth-audience", "case-system-url",
      "max-body-bytes", "metrics-port",     "log-format",    "threads",
      "backend-ca",     "metrics-port-file"};
  for (const ServiceEntry& e : Catalogue()) {
    if (!e.api.empty()) known.push_back(e.cli_name);
  }
  absl::StatusOr<Flags> flags = Flags::Parse(argc, argv, known, {"help"});
  if (!flags.ok()) return Fail(flags.status());
  if (flags->Has("help")) {
    std::printf(
        "usage: web [--port N (8080)] [--listen HOST] [--app-dir DIR]\n"
        "       web probe [HOST:PORT (127.0.0.1:8080)]   (GET /readyz; exit 0 "
        "when serving)\n"
        "           --oidc-issuer URL [--oidc-client-id ID (casework-web)] "
        "[--oidc-scope S]\n"
        "           [--auth-audience AUD (casework)] [--case-system-url "
        "URL-with-{child_id}]\n"
        "           [--max-body-bytes N (1048576)] [--threads N (16)] "
        "[--metrics-port N]\n"
        "           [--metrics-port-file FILE]\n"
        "           [--backend-ca FILE] [--log-format text|json]\n"
        "           [--ehc ADDR] [--reviews ADDR] [--transport ADDR] "
        "[--complaints ADDR]\n"
        "           [--projection ADDR] [--returns ADDR]\n"
        "Environment: CASEWORK_WEB_PORT, CASEWORK_LISTEN, "
        "CASEWORK_WEB_APP_DIR, "
        "CASEWORK_OIDC_ISSUER,\n"
        "             CASEWORK_OIDC_CLIENT_ID, CASEWORK_OIDC_SCOPE, "
        "CASEWORK_AUTH_AUDIENCE,\n"
        "             CASEWORK_CASE_SYSTEM_URL, CASEWORK_WEB_BACKEND_CA, "
        "CASEWORK_WEB_THREADS,\n"
        "             CASEWORK_WEB_MAX_BODY_BYTES, CASEWORK_METRICS_PORT, "
        "CASEWORK_LOG_FORMAT,\n"
        "             the services' addresses:");
    for (const ServiceEntry& e : Catalogue()) {
      if (!e.api.empty()) std::printf(" %s", e.address_env.c_str());
    }
    std::printf("\n");
    return 0;
  }
  if (absl::Status f =
          SetLogFormat(flags->Get("log-format", "CASEWORK_LOG_FORMAT", "text"));
      !f.ok()) {
    return Fail(f);
  }
  web::WebOptions options;
  absl::StatusOr<int> port =
      Number(*flags, "port", "CASEWORK_WEB_PORT", "8080", 0, 65535);
  if (!port.ok()) return Fail(port.status());
  options.port = *port;
  options.host = flags->Get("listen", "CASEWORK_LISTEN", "127.0.0.1");
  options.app_dir = flags->Get("app-dir", "CASEWORK_WEB_APP_DIR", "");
  options.oidc_issuer = flags->Get("oidc-issuer", "CASEWORK_OIDC_ISSUER", "");
  if (options.oidc_issuer.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--oidc-issuer: the identity provider the app signs in with is "
        "required (casework-dev gives its own)"));
  }
  options.oidc_client_id =
      flags->Get("oidc-client-id", "CASEWORK_OIDC_CLIENT_ID", "casework-web");
  options.oidc_scope =
      flags->Get("oidc-scope", "CASEWORK_OIDC_SCOPE", "openid profile");
  options.api_audience =
      flags->Get("auth-audience", "CASEWORK_AUTH_AUDIENCE", "casework");
  options.case_system_url =
      flags->Get("case-system-url", "CASEWORK_CASE_SYSTEM_URL", "");
  if (!options.case_system_url.empty() &&
      options.case_system_url.find("{child_id}") == std::string::npos) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("--case-system-url: '", options.case_system_url,
                     "' has no {child_id} to put the child's id in")));
  }
  absl::StatusOr<int> threads =
      Number(*flags, "threads", "CASEWORK_WEB_THREADS", "16", 1, 512);
  if (!threads.ok()) return Fail(threads.status());
  options.threads = *threads;
  absl::StatusOr<int> max_body =
      Number(*flags, "max-body-bytes", "CASEWORK_WEB_MAX_BODY_BYTES", "1048576",
             1024, 64 << 20);
  if (!max_body.ok()) return Fail(max_body.status());

  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  const std::string ca =
      flags->Get("backend-ca", "CASEWORK_WEB_BACKEND_CA", "");
  if (!ca.empty()) {
    absl::StatusOr<std::string> roots = ReadFile(ca);
    if (!roots.ok()) return Fail(roots.status());
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = *roots;
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  std::vector<web::Route> routes;
  for (const ServiceEntry& e : Catalogue()) {
    if (e.api.empty()) continue;
    const std::string address =
        flags->Get(e.cli_name, e.address_env, e.default_address());
    routes.push_back(
        {e.api, grpc::CreateCustomChannel(address, credentials, args)});
  }
  web::GatewayOptions gateway_options;
  gateway_options.max_body_bytes = static_cast<size_t>(*max_body);
  absl::StatusOr<std::unique_ptr<web::ConnectGateway>> gateway =
      web::ConnectGateway::Create(std::move(routes), gateway_options);
  if (!gateway.ok()) return Fail(gateway.status());

  absl::StatusOr<int> metrics_port =
      Number(*flags, "metrics-port", "CASEWORK_METRICS_PORT", "-1", -1, 65535);
  if (!metrics_port.ok()) return Fail(metrics_port.status());

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  // The metrics port first: once the web port answers, the port file is
  // there for a supervisor to read.
  std::unique_ptr<metrics::MetricsServer> metrics_server;
  if (*metrics_port >= 0) {
    absl::StatusOr<std::unique_ptr<metrics::MetricsServer>> m =
        metrics::MetricsServer::Start(options.host, *metrics_port,
                                      metrics::Global(),
                                      [] { return absl::OkStatus(); });
    if (!m.ok()) return Fail(m.status());
    metrics_server = std::move(*m);
    if (absl::Status written = metrics::WritePortFile(
            flags->Get("metrics-port-file", "", ""), metrics_server->port());
        !written.ok()) {
      return Fail(written);
    }
  }
  std::shared_ptr<const web::ConnectGateway> shared(std::move(*gateway));
  absl::StatusOr<std::unique_ptr<web::WebServer>> server =
      web::WebServer::Start(options, shared, &metrics::Global());
  if (!server.ok()) return Fail(server.status());
  LogInfo("web serving", {{"address", absl::StrCat("http://", options.host, ":",
                                                   (*server)->port())},
                          {"app_dir", options.app_dir},
                          {"issuer", options.oidc_issuer}});
  int sig = 0;
  sigwait(&set, &sig);
  LogInfo("web stopping", {{"signal", absl::StrCat(sig)}});
  metrics_server.reset();
  server->reset();
  return 0;
}
