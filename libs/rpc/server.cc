#include "libs/rpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/auth/jwks.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace casework {

absl::StatusOr<Flags> Flags::Parse(int argc, char** argv,
                                   const std::vector<std::string>& known,
                                   const std::vector<std::string>& booleans) {
  Flags flags;
  auto is = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!absl::StartsWith(arg, "--")) {
      flags.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    size_t eq = name.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (is(booleans, name)) {
      flags.values_[name] = has_value ? value : "true";
      continue;
    }
    if (!is(known, name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", name, " (known: --", absl::StrJoin(known, ", --"),
          booleans.empty() ? "" : ", --", absl::StrJoin(booleans, ", --"),
          ")"));
    }
    if (!has_value) {
      if (i + 1 >= argc)
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value"));
      value = argv[++i];
    }
    flags.values_[name] = value;
  }
  return flags;
}

std::string Flags::Get(const std::string& name, const std::string& env,
                       const std::string& fallback) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (v != nullptr && *v != '\0') return v;
  }
  return fallback;
}

absl::StatusOr<ServiceConfig> ServiceConfig::FromArgs(
    int argc, char** argv, const std::string& service_name, int default_port,
    const std::map<std::string, std::string>& extra) {
  std::vector<std::string> known = {"port",
                                    "listen",
                                    "data-dir",
                                    "brokers",
                                    "kafka-config",
                                    "event-format",
                                    "closures",
                                    "auth-issuer",
                                    "auth-audience",
                                    "auth-jwks",
                                    "auth-jwks-url",
                                    "auth-jwks-refresh-seconds",
                                    "auth-hs256-secret-file",
                                    "auth-skew-seconds",
                                    "auth-max-token-seconds",
                                    "max-threads",
                                    "metrics-port",
                                    "kafka-password-file",
                                    "metrics-port-file",
                                    "today",
                                    "log-format",
                                    "audit-dir",
                                    "tls-cert",
                                    "tls-key",
                                    "tls-client-ca",
                                    "restore-expect-position"};
  for (const auto& [name, env] : extra) known.push_back(name);
  ASSIGN_OR_RETURN(
      Flags flags,
      Flags::Parse(argc, argv, known,
                   {"help", "topics-reset", "rebuild", "officers-act-for-team",
                    "restore-from-topic", "non-production"}));
  if (flags.Has("help")) {
    std::printf(
        "usage: %s [--port N] [--listen HOST] [--data-dir DIR] [--brokers "
        "HOST:PORT,...]\n"
        "          [--kafka-config k=v,k=v] [--event-format protobuf|json] "
        "[--closures YYYY-MM-DD,...]\n"
        "          [--topics-reset] [--rebuild] [--officers-act-for-team] "
        "[--restore-from-topic [--restore-expect-position N]]\n"
        "          --auth-issuer ISS [--auth-audience AUD] (--auth-jwks FILE | "
        "--auth-jwks-url URL | --auth-hs256-secret-file FILE)\n"
        "          [--auth-jwks-refresh-seconds N (600)]\n"
        "          [--auth-skew-seconds N (30)] [--auth-max-token-seconds N "
        "(43200)]\n"
        "          [--metrics-port N [--metrics-port-file FILE]] "
        "[--log-format text|json] "
        "[--kafka-password-file FILE]\n"
        "          [--today YYYY-MM-DD --non-production]\n"
        "          [--max-threads N (64)] [--audit-dir DIR] [--tls-cert FILE "
        "--tls-key FILE [--tls-client-ca FILE]]\n"
        "Environment: CASEWORK_PORT, CASEWORK_LISTEN, CASEWORK_DATA_DIR, "
        "CASEWORK_BROKERS,\n"
        "             CASEWORK_KAFKA_CONFIG, CASEWORK_EVENT_FORMAT, "
        "CASEWORK_CLOSURES, "
        "CASEWORK_TOPICS_RESET=1, CASEWORK_LOG_LEVEL,\n"
        "             CASEWORK_AUTH_ISSUER, CASEWORK_AUTH_AUDIENCE, "
        "CASEWORK_AUTH_JWKS, CASEWORK_AUTH_JWKS_URL, "
        "CASEWORK_AUTH_HS256_SECRET_FILE,\n"
        "             CASEWORK_AUTH_SKEW_SECONDS, "
        "CASEWORK_AUTH_MAX_TOKEN_SECONDS, CASEWORK_MAX_THREADS, "
        "CASEWORK_METRICS_PORT, CASEWORK_LOG_FORMAT, CASEWORK_AUDIT_DIR, "
        "CASEWORK_KAFKA_PASSWORD_FILE, CASEWORK_TODAY, "
        "CASEWORK_NON_PRODUCTION=1, "
        "CASEWORK_TLS_CERT, CASEWORK_TLS_KEY, CASEWORK_TLS_CLIENT_CA,\n"
        "             CASEWORK_REBUILD=1 (projection), "
        "CASEWORK_OFFICERS_ACT_FOR_TEAM=1\n",
        service_name.c_str());
    for (const auto& [name, env] : extra) {
      std::printf("Also: --%s VALUE (%s)\n", name.c_str(), env.c_str());
    }
    std::exit(0);
  }
  ServiceConfig c;
  c.service_name = service_name;
  std::string port =
      flags.Get("port", "CASEWORK_PORT", std::to_string(default_port));
  if (!absl::SimpleAtoi(port, &c.port) || c.port < 0 || c.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--port: '", port, "' is not a port number"));
  }
  c.listen_host = flags.Get("listen", "CASEWORK_LISTEN", "127.0.0.1");
  c.data_dir = flags.Get("data-dir", "CASEWORK_DATA_DIR",
                         absl::StrCat("var/", service_name));
  c.brokers = flags.Get("brokers", "CASEWORK_BROKERS", "");
  c.kafka_config = flags.Get("kafka-config", "CASEWORK_KAFKA_CONFIG", "");
  if (absl::StrContains(c.kafka_config, "sasl.password")) {
    return absl::InvalidArgumentError(
        "--kafka-config: a password on the command line or in the environment "
        "is visible to other processes; put it in a file readable by the "
        "service only and name it with --kafka-password-file "
        "(CASEWORK_KAFKA_PASSWORD_FILE)");
  }
  const std::string password_file =
      flags.Get("kafka-password-file", "CASEWORK_KAFKA_PASSWORD_FILE", "");
  if (!password_file.empty()) {
    ASSIGN_OR_RETURN(std::string password, ReadFile(password_file));
    password = std::string(absl::StripAsciiWhitespace(password));
    if (password.empty() || absl::StrContains(password, ",")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--kafka-password-file: ", password_file,
          password.empty() ? " is empty" : " holds a ',' (not supported)"));
    }
    // The SASL/SCRAM password joins the client properties (never logged).
    absl::StrAppend(&c.kafka_config, c.kafka_config.empty() ? "" : ",",
                    "sasl.password=", password);
  }
  c.event_format =
      flags.Get("event-format", "CASEWORK_EVENT_FORMAT", "protobuf");
  if (c.event_format != "protobuf" && c.event_format != "json") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--event-format: '", c.event_format, "' is not protobuf or json"));
  }
  c.holidays = flags.Get("closures", "CASEWORK_CLOSURES", "");
  for (const auto& [name, env] : extra) {
    const std::string value = flags.Get(name, env, "");
    if (!value.empty()) c.extras[name] = value;
  }
  c.restore_from_topic = flags.Has("restore-from-topic");
  if (const std::string expect = flags.Get("restore-expect-position", "", "");
      !expect.empty()) {
    if (!absl::SimpleAtoi(expect, &c.restore_expected_position) ||
        c.restore_expected_position < 1 || !c.restore_from_topic) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--restore-expect-position: '", expect,
          "' is not a log position (1 or more), or --restore-from-topic is "
          "not given"));
    }
  }
  c.non_production = flags.Has("non-production") ||
                     flags.Get("", "CASEWORK_NON_PRODUCTION", "") == "1";
  const std::string today = flags.Get("today", "CASEWORK_TODAY", "");
  if (!today.empty()) {
    absl::StatusOr<Date> parsed = Date::Parse(today);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--today: '", today, "' is not a date YYYY-MM-DD"));
    }
    if (!c.non_production) {
      return absl::InvalidArgumentError(
          "--today fixes the business date, for demonstrations, training and "
          "tests only: add --non-production (CASEWORK_NON_PRODUCTION=1) to "
          "confirm this is not a live stack");
    }
    c.today = *parsed;
  }
  c.rebuild =
      flags.Has("rebuild") || flags.Get("", "CASEWORK_REBUILD", "") == "1";
  c.case_access.officers_act_for_team =
      flags.Has("officers-act-for-team") ||
      flags.Get("", "CASEWORK_OFFICERS_ACT_FOR_TEAM", "") == "1";
  c.topics_reset = flags.Has("topics-reset") ||
                   flags.Get("", "CASEWORK_TOPICS_RESET", "") == "1";
  c.auth_issuer = flags.Get("auth-issuer", "CASEWORK_AUTH_ISSUER", "");
  c.auth_audience =
      flags.Get("auth-audience", "CASEWORK_AUTH_AUDIENCE", "casework");
  c.auth_jwks_file = flags.Get("auth-jwks", "CASEWORK_AUTH_JWKS", "");
  c.auth_jwks_url = flags.Get("auth-jwks-url", "CASEWORK_AUTH_JWKS_URL", "");
  if (!c.auth_jwks_url.empty() && !c.auth_jwks_file.empty()) {
    return absl::InvalidArgumentError(
        "--auth-jwks and --auth-jwks-url: give one (a file read once, or the "
        "provider's endpoint, refreshed)");
  }
  const std::string refresh = flags.Get(
      "auth-jwks-refresh-seconds", "CASEWORK_AUTH_JWKS_REFRESH_SECONDS", "600");
  int refresh_seconds = 0;
  if (!absl::SimpleAtoi(refresh, &refresh_seconds) || refresh_seconds < 10 ||
      refresh_seconds > 86400) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth-jwks-refresh-seconds: '", refresh,
                     "' is not a number from 10 to 86400"));
  }
  c.auth_jwks_refresh = absl::Seconds(refresh_seconds);
  c.auth_hs256_secret_file = flags.Get("auth-hs256-secret-file",
                                       "CASEWORK_AUTH_HS256_SECRET_FILE", "");
  const std::string skew =
      flags.Get("auth-skew-seconds", "CASEWORK_AUTH_SKEW_SECONDS", "30");
  int skew_seconds = 0;
  if (!absl::SimpleAtoi(skew, &skew_seconds) || skew_seconds < 0 ||
      skew_seconds > 600) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--auth-skew-seconds: '", skew, "' is not a number from 0 to 600"));
  }
  c.auth_skew = absl::Seconds(skew_seconds);
  const std::string lifetime = flags.Get(
      "auth-max-token-seconds", "CASEWORK_AUTH_MAX_TOKEN_SECONDS", "43200");
  int lifetime_seconds = 0;
  if (!absl::SimpleAtoi(lifetime, &lifetime_seconds) || lifetime_seconds < 60 ||
      lifetime_seconds > 7 * 86400) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth-max-token-seconds: '", lifetime,
                     "' is not a number from 60 to 604800 (7 days)"));
  }
  c.auth_max_token_lifetime = absl::Seconds(lifetime_seconds);
  const std::string threads =
      flags.Get("max-threads", "CASEWORK_MAX_THREADS", "64");
  if (!absl::SimpleAtoi(threads, &c.limits.max_threads) ||
      c.limits.max_threads < 4 || c.limits.max_threads > 1024) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max-threads: '", threads, "' is not a number from 4 to 1024"));
  }
  const std::string metrics_port =
      flags.Get("metrics-port", "CASEWORK_METRICS_PORT", "");
  if (!metrics_port.empty() &&
      (!absl::SimpleAtoi(metrics_port, &c.metrics_port) || c.metrics_port < 0 ||
       c.metrics_port > 65535)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics-port: '", metrics_port, "' is not a port number"));
  }
  c.metrics_port_file = flags.Get("metrics-port-file", "", "");
  c.log_format = flags.Get("log-format", "CASEWORK_LOG_FORMAT", "text");
  RETURN_IF_ERROR(SetLogFormat(c.log_format));
  c.audit_dir =
      flags.Get("audit-dir", "CASEWORK_AUDIT_DIR", c.data_dir + "-audit");
  c.tls.cert_file = flags.Get("tls-cert", "CASEWORK_TLS_CERT", "");
  c.tls.key_file = flags.Get("tls-key", "CASEWORK_TLS_KEY", "");
  c.tls.client_ca_file =
      flags.Get("tls-client-ca", "CASEWORK_TLS_CLIENT_CA", "");
  if (c.tls.cert_file.empty() != c.tls.key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!c.tls.client_ca_file.empty() && c.tls.cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-ca needs --tls-cert and --tls-key");
  }
  return c;
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

ServerRunner::ServerRunner(std::string service_name)
    : service_name_(std::move(service_name)) {}

ServerRunner::~ServerRunner() {
  if (server_) Shutdown(absl::ZeroDuration());
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<const auth::JwtVerifier>> MakeVerifier(
    const ServiceConfig& config) {
  if (config.auth_issuer.empty() ||
      (config.auth_jwks_file.empty() && config.auth_jwks_url.empty() &&
       config.auth_hs256_secret_file.empty())) {
    return absl::InvalidArgumentError(
        "authentication is required: give --auth-issuer and --auth-jwks-url "
        "URL, --auth-jwks FILE or --auth-hs256-secret-file FILE (casework-dev "
        "does this for you)");
  }
  auth::VerifierOptions options{.issuer = config.auth_issuer,
                                .audience = config.auth_audience,
                                .skew = config.auth_skew,
                                .max_lifetime = config.auth_max_token_lifetime};
  if (!config.auth_jwks_file.empty()) {
    ASSIGN_OR_RETURN(options.jwks_json, ReadFile(config.auth_jwks_file));
  }
  if (!config.auth_hs256_secret_file.empty()) {
    ASSIGN_OR_RETURN(std::string secret,
                     ReadFile(config.auth_hs256_secret_file));
    options.hs256_secret = std::string(absl::StripAsciiWhitespace(secret));
  }
  if (!config.auth_jwks_url.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<auth::JwksVerifier> verifier,
                     auth::JwksVerifier::Create(
                         std::move(options),
                         auth::JwksOptions{.url = config.auth_jwks_url,
                                           .refresh = config.auth_jwks_refresh},
                         auth::HttpFetcher()));
    return std::shared_ptr<const auth::JwtVerifier>(std::move(verifier));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<auth::JwtVerifier> verifier,
                   auth::JwtVerifier::Create(std::move(options)));
  return std::shared_ptr<const auth::JwtVerifier>(std::move(verifier));
}

absl::StatusOr<int> ServerRunner::Start(
    const std::string& host, int port,
    const std::vector<grpc::Service*>& services, const TlsFiles& tls,
    const ServerLimits& limits) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::InsecureServerCredentials();
  if (!tls.cert_file.empty()) {
    grpc::SslServerCredentialsOptions ssl(
        tls.client_ca_file.empty()
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ASSIGN_OR_RETURN(std::string cert, ReadFile(tls.cert_file));
    ASSIGN_OR_RETURN(std::string key, ReadFile(tls.key_file));
    ssl.pem_key_cert_pairs.push_back({key, cert});
    if (!tls.client_ca_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(tls.client_ca_file));
    }
    credentials = grpc::SslServerCredentials(ssl);
  }
  builder.AddListeningPort(absl::StrCat(host, ":", port), credentials, &bound);
  // Handlers block until their events are durable (group commit): keep the
  // threads that served a call polling for the next one instead of letting
  // all but two exit and be created again under load.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 4);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      std::max(4, limits.max_threads / 2));
  // The thread quota: with every thread busy, a new call is answered
  // RESOURCE_EXHAUSTED at once rather than given one more thread.
  grpc::ResourceQuota quota(absl::StrCat(service_name_, "-quota"));
  quota.SetMaxThreads(limits.max_threads);
  quota.Resize(static_cast<size_t>(limits.max_memory_bytes));
  builder.SetResourceQuota(quota);
  for (grpc::Service* s : services) builder.RegisterService(s);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      observers;
  observers.push_back(NewCallObserverFactory(service_name_, refusal_sink_));
  builder.experimental().SetInterceptorCreators(std::move(observers));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", host, ":", port));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    server_ = std::move(server);
    ApplyHealthLocked();
  }
  LogInfo("server started", {{"service", service_name_},
                             {"port", std::to_string(bound)},
                             {"tls", tls.cert_file.empty()        ? "off"
                                     : tls.client_ca_file.empty() ? "on"
                                                                  : "mutual"}});
  return bound;
}

const Clock& BusinessClock(const ServiceConfig& config) {
  if (config.today == Date()) return SystemClock::Get();
  static const BusinessDateClock* fixed = [&config] {
    LogWarn(
        "NON-PRODUCTION: the business date is fixed (--today); steps "
        "and clocks are dated as of it",
        {{"service", config.service_name}, {"today", config.today.ToString()}});
    return new BusinessDateClock(config.today);
  }();
  return *fixed;
}

absl::StatusOr<int> ServerRunner::StartMetrics(const std::string& host,
                                               int port,
                                               const std::string& port_file) {
  ASSIGN_OR_RETURN(metrics_,
                   metrics::MetricsServer::Start(host, port, metrics::Global(),
                                                 [this] { return Health(); }));
  RETURN_IF_ERROR(metrics::WritePortFile(port_file, metrics_->port()));
  LogInfo("metrics listening", {{"service", service_name_},
                                {"port", std::to_string(metrics_->port())}});
  return metrics_->port();
}

absl::Status ServerRunner::Health() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!server_) return absl::UnavailableError("not started");
  return health_;
}

void ServerRunner::SetHealth(const std::string& part,
                             const absl::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  parts_[part] = status;
  absl::Status overall;
  for (const auto& [name, s] : parts_) {
    if (!s.ok()) {
      overall = s;
      break;
    }
  }
  if (health_ == overall) return;
  health_ = overall;
  if (overall.ok()) {
    LogInfo("health: serving", {{"service", service_name_}});
  } else {
    LogError("health: not serving",
             {{"service", service_name_}, {"reason", overall.ToString()}});
  }
  ApplyHealthLocked();
}

void ServerRunner::ApplyHealthLocked() {
  if (!server_) return;
  server_->GetHealthCheckService()->SetServingStatus(health_.ok());
  server_->GetHealthCheckService()->SetServingStatus(service_name_,
                                                     health_.ok());
}

void ServerRunner::Shutdown(absl::Duration grace) {
  if (!server_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    health_ = absl::UnavailableError("shutting down");
    ApplyHealthLocked();
  }
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoNanoseconds(grace));
  server_->Wait();
  std::lock_guard<std::mutex> lock(mu_);
  server_.reset();
  metrics_.reset();
  LogInfo("server stopped", {{"service", service_name_}});
}

}  // namespace casework
