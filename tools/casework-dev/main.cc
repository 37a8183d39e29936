// casework-dev: the embedded default. Starts a Kafka-protocol broker on
// loopback (librdkafka's mock cluster; in memory only: the services' own logs
// stay the source of truth), creates the topics, starts the services as child
// processes with data under --data-dir, optionally loads the demo history
// through the public gRPC API, and stops everything cleanly on Ctrl-C.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/admin.grpc.pb.h"
#include "libs/admin/dev_stack.h"
#include "libs/auth/authorizer.h"
#include "libs/auth/jwt.h"
#include "libs/core/clock.h"
#include "libs/core/grpc_status.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/host/catalogue.h"
#include "libs/kafka/consumer_runtime.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/server.h"
#include "libs/statutory/school.h"
#include "tools/casework-dev/demo.h"
#include "tools/casework-dev/demo_people.h"
#include "tools/casework-dev/dev_idp.h"

extern char** environ;

namespace {

using namespace casework;

struct Child {
  std::string name;
  pid_t pid = -1;
};

absl::StatusOr<Child> Spawn(const std::string& binary,
                            const std::vector<std::string>& args,
                            const std::string& name) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // The child must not inherit our blocked SIGINT/SIGTERM.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  int rc =
      posix_spawn(&pid, binary.c_str(), nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot start ", binary, ": ", strerror(rc)));
  }
  return Child{name, pid};
}

// The stack's children. A child that exits while the stack runs is reported at
// once on stderr (its name, pid and exit status or signal) and the whole
// stack stops with exit status 3: a half-running stack never looks healthy.
// Needs SIGCHLD blocked in every thread (main blocks it before any thread).
class Supervisor {
 public:
  Supervisor() : thread_([this] { Watch(); }) {}
  ~Supervisor() { StopAll(); }

  void Add(Child child) {
    std::lock_guard<std::mutex> lock(mu_);
    children_.push_back(std::move(child));
  }

  // Stops every child (SIGTERM, then waits for each); ends the watch.
  void StopAll() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
    TerminateAll();
  }

 private:
  void TerminateAll() {
    for (Child& c : children_) {
      if (c.pid > 0) kill(c.pid, SIGTERM);
    }
    for (Child& c : children_) {
      int status = 0;
      if (c.pid > 0) waitpid(c.pid, &status, 0);
      c.pid = -1;
    }
  }

  void Watch() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    const timespec tick{0, 200 * 1000 * 1000};
    for (;;) {
      sigtimedwait(&set, nullptr, &tick);
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      for (Child& c : children_) {
        int status = 0;
        if (c.pid <= 0 || waitpid(c.pid, &status, WNOHANG) != c.pid) continue;
        const std::string how =
            WIFSIGNALED(status)
                ? absl::StrCat("was killed by signal ", WTERMSIG(status), " (",
                               strsignal(WTERMSIG(status)), ")")
                : absl::StrCat("exited with status ", WEXITSTATUS(status));
        std::fprintf(stderr,
                     "casework-dev: %s (pid %d) %s; stopping the whole stack "
                     "(its log is above)\n",
                     c.name.c_str(), static_cast<int>(c.pid), how.c_str());
        std::fflush(stderr);
        c.pid = -1;
        stopping_ = true;
        TerminateAll();
        std::_Exit(3);
      }
    }
  }

  std::mutex mu_;
  std::vector<Child> children_;
  bool stopping_ = false;
  std::thread thread_;
};

bool WaitReady(const std::string& address, absl::Duration timeout) {
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  return channel->WaitForConnected(std::chrono::system_clock::now() +
                                   absl::ToChronoNanoseconds(timeout));
}

// Waits until the annual reviews service's intake has taken in every record
// of `topic` the broker holds now (so the demo's figures are settled when it
// says it is loaded). DEADLINE_EXCEEDED naming the lag after `timeout`.
absl::Status WaitIntake(const std::string& bootstrap,
                        const std::map<std::string, std::string>& properties,
                        const std::string& topic,
                        const std::string& reviews_address,
                        const std::string& admin_token,
                        absl::Duration timeout) {
  ASSIGN_OR_RETURN(std::unique_ptr<kafka::Consumer> consumer,
                   kafka::Consumer::Create(kafka::ConsumerOptions{
                       .brokers = bootstrap,
                       .properties = properties,
                       .group_id = "backoffice-casework-dev-wait"}));
  ASSIGN_OR_RETURN(const int partitions,
                   consumer->PartitionCount(topic, absl::Seconds(10)));
  std::map<int32_t, int64_t> ends;
  for (int32_t p = 0; p < partitions; ++p) {
    ASSIGN_OR_RETURN(kafka::Watermarks w,
                     consumer->QueryWatermarks({topic, p}, absl::Seconds(10)));
    ends[p] = w.high;
  }
  auto stub = v1::ConsumerAdminService::NewStub(
      grpc::CreateChannel(reviews_address, grpc::InsecureChannelCredentials()));
  const absl::Time deadline = absl::Now() + timeout;
  int64_t behind = 0;
  while (absl::Now() < deadline) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + admin_token);
    v1::ConsumerStatus status;
    if (stub->GetConsumerStatus(&ctx, v1::GetConsumerStatusRequest(), &status)
            .ok()) {
      behind = 0;
      for (const auto& [p, end] : ends) {
        int64_t next = 0;
        for (const v1::PartitionStatus& ps : status.partitions()) {
          if (ps.topic() == topic && ps.partition() == p)
            next = ps.next_offset();
        }
        behind += std::max<int64_t>(0, end - next);
      }
      if (behind == 0) return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the annual reviews took in ", topic,
                   " too slowly: ", behind, " records still behind"));
}

// The largest demo LA (a large LA's caseload); every size up to it loads
// (tests/e2e/demo_sizes_test.sh).
constexpr int kMaxDemoChildren = 15000;

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "casework-dev: %s\n", std::string(s.message()).c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  BlockShutdownSignals();
  {
    // The supervisor waits for SIGCHLD; no thread may take it first.
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &chld, nullptr);
  }
  // Every service of the catalogue has a --<name>-port flag (--ehc-port,
  // --reviews-port, ...).
  std::vector<std::string> known = {
      "data-dir",       "partitions",        "demo-children", "dev-port",
      "demo-officers",  "metrics-base-port", "log-format",    "today",
      "web-port",       "oidc-port",         "web-app-dir",   "brokers",
      "kafka-security", "kafka-password-dir"};
  for (const ServiceEntry& e : Catalogue()) {
    known.push_back(absl::StrCat(e.cli_name, "-port"));
  }
  absl::StatusOr<Flags> flags =
      Flags::Parse(argc, argv, known,
                   {"demo", "help", "exit-after-demo", "print-catalogue"});
  if (!flags.ok()) return Fail(flags.status());
  if (flags->Has("help")) {
    std::printf(
        "usage: casework-dev [flags]\n"
        "Starts the embedded Kafka-protocol broker, every service, the web "
        "app and a\ndevelopment identity provider on loopback; Ctrl-C stops "
        "everything. A service\nthat exits stops the whole stack (exit "
        "status 3), naming it.\n\n"
        "  --demo                 load the demo LA's history through gRPC\n"
        "  --demo-children N      children in the demo, 1 to 15000 (2000; "
        "15000 is a large LA)\n"
        "  --demo-officers N      officers in the demo directory, 3 to 300 "
        "(20)\n"
        "  --exit-after-demo      stop once the demo is loaded\n"
        "  --data-dir DIR         the services' data (var; "
        "CASEWORK_DATA_DIR)\n"
        "  --today YYYY-MM-DD     the stack's business date (CASEWORK_TODAY; "
        "never production)\n"
        "  --partitions N         partitions of each topic (3)\n"
        "  --log-format text|json (text; CASEWORK_LOG_FORMAT)\n"
        "  --metrics-base-port N  the services' /metrics on N, N+1, ... in "
        "catalogue order,\n"
        "                         then web (default: free ports, in "
        "DIR/metrics.env)\n"
        "  --dev-port N           the outage drills (casectl admin broker "
        "down|up; a free port,\n"
        "                         in DIR/tokens.env as CASEWORK_DEV_ADDR)\n"
        "  --web-port N           the web app and its gateway (8080)\n"
        "  --oidc-port N          the development identity provider (8090); "
        "its URL is the\n"
        "                         issuer of every token of the stack\n"
        "  --web-app-dir DIR      the built web app (build/web-app)\n"
        "  --brokers HOST:PORT,.. run on this Kafka cluster instead of the "
        "embedded broker\n"
        "                         (its topics, users and ACLs in place: "
        "scripts/kafka-cluster.sh)\n"
        "  --kafka-security S     the cluster's client settings (default\n"
        "                         security.protocol=SASL_PLAINTEXT,"
        "sasl.mechanisms=SCRAM-SHA-512);\n"
        "                         each service adds sasl.username=<its "
        "name>\n"
        "  --kafka-password-dir D each user's SCRAM password in D/<user> "
        "(the services',\n"
        "                         backoffice's for the demo's directory, "
        "people and school events)\n"
        "  --print-catalogue      print the service catalogue and exit\n"
        "  --help                 this text\n");
    for (const ServiceEntry& e : Catalogue()) {
      const std::string flag = absl::StrCat("--", e.cli_name, "-port N");
      std::printf("  %-22s %s's gRPC port (%d)\n", flag.c_str(), e.name.c_str(),
                  e.port);
    }
    return 0;
  }
  if (flags->Has("print-catalogue")) {
    // The service catalogue, for the deployment files' check and the test
    // harness: name, gRPC port, metrics port, topic, CloudEvents source, flag
    // name (--<it>-port), address variable.
    for (const ServiceEntry& e : Catalogue()) {
      std::printf("%s %d %d %s %s %s %s\n", e.name.c_str(), e.port,
                  e.metrics_port, e.domain() ? e.topic().c_str() : "-",
                  e.domain() ? e.ce_source().c_str() : "-", e.cli_name.c_str(),
                  e.address_env.c_str());
    }
    return 0;
  }
  const std::string data_dir =
      flags->Get("data-dir", "CASEWORK_DATA_DIR", "var");
  const std::string log_format =
      flags->Get("log-format", "CASEWORK_LOG_FORMAT", "text");
  if (absl::Status f = SetLogFormat(log_format); !f.ok()) return Fail(f);
  // The business date of the whole stack: today, or a fixed --today (for
  // demonstrations and training: steps dated up to it are accepted).
  Date today = SystemClock::Get().Today();
  const std::string today_flag = flags->Get("today", "CASEWORK_TODAY", "");
  if (!today_flag.empty()) {
    absl::StatusOr<Date> parsed = Date::Parse(today_flag);
    if (!parsed.ok()) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          "--today: '", today_flag, "' is not a date YYYY-MM-DD")));
    }
    today = *parsed;
  }
  int partitions = 0, demo_children = 0, metrics_base = 0, officers = 0;
  std::map<std::string, int> ports;  // service name -> gRPC port
  for (const ServiceEntry& e : Catalogue()) {
    const std::string flag = absl::StrCat(e.cli_name, "-port");
    int port = 0;
    if (!absl::SimpleAtoi(flags->Get(flag, "", std::to_string(e.port)),
                          &port) ||
        port < 1 || port > 65535) {
      return Fail(absl::InvalidArgumentError(
          absl::StrCat("--", flag, ": a port number")));
    }
    ports[e.name] = port;
  }
  if (!absl::SimpleAtoi(flags->Get("partitions", "", "3"), &partitions) ||
      !absl::SimpleAtoi(flags->Get("demo-children", "", "2000"),
                        &demo_children) ||
      !absl::SimpleAtoi(flags->Get("metrics-base-port", "", "0"),
                        &metrics_base) ||
      !absl::SimpleAtoi(flags->Get("demo-officers", "", "20"), &officers) ||
      officers < 3 || officers > 300 || partitions < 1 || demo_children < 1 ||
      demo_children > kMaxDemoChildren || metrics_base < 0 ||
      metrics_base > 65000) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("--partitions takes a positive number, --demo-children 1 "
                     "to ",
                     kMaxDemoChildren,
                     ", --demo-officers 3 to 300, --metrics-base-port a port "
                     "number")));
  }
  int web_port = 0, oidc_port = 0;
  if (!absl::SimpleAtoi(flags->Get("web-port", "", "8080"), &web_port) ||
      !absl::SimpleAtoi(flags->Get("oidc-port", "", "8090"), &oidc_port) ||
      web_port < 1 || web_port > 65535 || oidc_port < 0 || oidc_port > 65535) {
    return Fail(absl::InvalidArgumentError(
        "--web-port and --oidc-port take port numbers"));
  }
  const int ehc_port = ports["ehc-assessments"],
            reviews_port = ports["annual-reviews"],
            transport_port = ports["transport"],
            complaints_port = ports["complaints"];
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    return Fail(
        absl::UnavailableError(absl::StrCat("cannot create ", data_dir)));

  // An external cluster (--brokers): its topics, users and ACLs are in place
  // (deploy/kafka/definitions.sh); each service signs in as itself, and the
  // demo's back-office records as backoffice. Otherwise the embedded broker,
  // with the topics made here.
  const std::string external = flags->Get("brokers", "", "");
  const std::string security = flags->Get(
      "kafka-security", "",
      "security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512");
  const std::string password_dir = flags->Get("kafka-password-dir", "", "");
  if (!external.empty() && password_dir.empty() &&
      absl::StrContains(security, "SASL")) {
    return Fail(absl::InvalidArgumentError(
        "--brokers with SASL needs --kafka-password-dir DIR (DIR/<user> holds "
        "each user's password; scripts/kafka-cluster.sh writes them)"));
  }
  // The client settings of `user` on the external cluster.
  auto user_props = [&](const std::string& user)
      -> absl::StatusOr<std::map<std::string, std::string>> {
    if (external.empty()) return std::map<std::string, std::string>{};
    return kafka::UserProperties(security, user, password_dir);
  };
  absl::StatusOr<std::map<std::string, std::string>> backoffice =
      user_props("backoffice");
  if (!backoffice.ok()) return Fail(backoffice.status());
  std::unique_ptr<kafka::EmbeddedBroker> embedded_broker;
  if (external.empty()) {
    absl::StatusOr<std::unique_ptr<kafka::EmbeddedBroker>> started =
        kafka::EmbeddedBroker::Start();
    if (!started.ok()) return Fail(started.status());
    embedded_broker = std::move(*started);
  }
  std::vector<std::string> topics = {
      "casework.directory.v1", "casework.directory.deadletter.v1",
      // Person details for the statutory returns (SEN2 module 1).
      "casework.people.v1", "casework.people.deadletter.v1",
      // Suspensions, exclusions and attendance (the annual reviews' intake).
      "casework.school-events.v1", "casework.school-events.deadletter.v1"};
  for (const ServiceEntry* e : DomainServices()) {
    topics.push_back(e->topic());
    topics.push_back(kafka::DeadLetterTopic(e->topic()));
  }
  for (const std::string& topic : topics) {
    if (!embedded_broker) break;
    absl::Status created = embedded_broker->CreateTopic(topic, partitions);
    if (!created.ok()) return Fail(created);
  }
  const std::string bootstrap =
      embedded_broker ? embedded_broker->bootstrap_servers() : external;
  {
    std::ofstream out(data_dir + "/kafka.bootstrap");
    out << bootstrap << "\n";
  }

  // The demo LA's officer directory, as its back office would publish it.
  {
    absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
        kafka::Producer::Create(bootstrap, *backoffice);
    if (!producer.ok()) return Fail(producer.status());
    std::vector<kafka::Message> records;
    for (const v1::DirectoryRecord& r : demo::DemoDirectory(officers)) {
      kafka::Message m;
      m.key = r.has_team() ? r.team().team_id() : r.officer().officer_id();
      m.value = r.SerializeAsString();
      m.headers = {
          {"content-type", "application/protobuf"},
          {"ce_type", "uk.send.casework.directory.v1.DirectoryRecord"}};
      records.push_back(std::move(m));
    }
    absl::Status sent = (*producer)->Send("casework.directory.v1", records);
    if (!sent.ok()) return Fail(sent);
  }

  // Authentication for the dev stack: an HS256 secret kept in the data
  // directory (0600), and ready tokens for the demo's people.
  const std::string secret_file = data_dir + "/auth/dev-hs256.secret";
  absl::StatusOr<std::string> secret = ReadFile(secret_file);
  if (!secret.ok()) {
    secret = auth::GenerateSecret();
    if (!secret.ok()) return Fail(secret.status());
    std::filesystem::create_directories(data_dir + "/auth", ec);
    std::ofstream out(secret_file);
    out << *secret << "\n";
    out.close();
    std::filesystem::permissions(secret_file,
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write,
                                 ec);
    if (!out || ec) {
      return Fail(
          absl::UnavailableError(absl::StrCat("cannot write ", secret_file)));
    }
  }
  *secret = std::string(absl::StripAsciiWhitespace(*secret));

  // The development identity provider: its address is the issuer of every
  // token of the stack (the app's through OpenID Connect, RS256 from its
  // JWKS, which the services fetch; the printed ones, HS256).
  const std::string key_file = data_dir + "/auth/dev-oidc-key.pem";
  const std::string jwk_file = data_dir + "/auth/dev-oidc-key.jwk";
  absl::StatusOr<std::string> oidc_pem = ReadFile(key_file);
  absl::StatusOr<std::string> oidc_jwk = ReadFile(jwk_file);
  if (!oidc_pem.ok() || !oidc_jwk.ok()) {
    absl::StatusOr<auth::SigningKey> key =
        auth::GenerateSigningKey("RS256", "casework-dev-1");
    if (!key.ok()) return Fail(key.status());
    std::filesystem::create_directories(data_dir + "/auth", ec);
    {
      std::ofstream out(key_file);
      out << key->private_pem;
    }
    std::filesystem::permissions(key_file,
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write,
                                 ec);
    std::ofstream(jwk_file) << key->public_jwk_json;
    oidc_pem = key->private_pem;
    oidc_jwk = key->public_jwk_json;
  }
  dev::DevIdpOptions idp_options;
  idp_options.port = oidc_port;
  idp_options.private_pem = *oidc_pem;
  idp_options.public_jwk_json = *oidc_jwk;
  idp_options.kid = "casework-dev-1";
  idp_options.app_origins = {absl::StrCat("http://127.0.0.1:", web_port),
                             absl::StrCat("http://localhost:", web_port)};
  for (const v1::DirectoryRecord& r : demo::DemoDirectory(officers)) {
    if (!r.has_officer()) continue;
    const bool manager = absl::StartsWith(r.officer().officer_id(), "manager-");
    idp_options.users.push_back({r.officer().officer_id(),
                                 r.officer().name(),
                                 manager ? auth::kManager : auth::kOfficer,
                                 {r.officer().team_id()}});
  }
  idp_options.users.push_back(
      {"head-of-send", "Head of SEND service", auth::kHeadOfService, {}});
  idp_options.users.push_back(
      {"returns-officer", "Statutory returns officer", auth::kReturns, {}});
  idp_options.users.push_back(
      {"qa-lead", "Quality assurance lead", auth::kQa, {}});
  idp_options.users.push_back({"admin", "Administrator", auth::kAdmin, {}});
  absl::StatusOr<std::unique_ptr<dev::DevIdp>> idp =
      dev::DevIdp::Start(std::move(idp_options));
  if (!idp.ok()) return Fail(idp.status());
  const std::string issuer = (*idp)->issuer();
  const absl::Time now = absl::Now();
  auto token = [&](const std::string& subject, unsigned roles,
                   std::vector<std::string> teams) {
    return auth::SignJwt("HS256", *secret, "",
                         auth::ClaimsJson(auth::TokenClaims{
                             .issuer = issuer,
                             .audience = "casework",
                             .subject = subject,
                             .roles = roles,
                             .teams = std::move(teams),
                             .issued_at = now,
                             .not_before = now,
                             .expires = now + absl::Hours(12)}))
        .value_or("");
  };
  const std::string officer_token =
      token("officer-01", auth::kOfficer, {demo::DemoTeamOf(1, officers)});
  const std::string manager_token =
      token("manager-north", auth::kManager, {"team-north"});
  const std::string admin_token = token("admin", auth::kAdmin, {});
  // The LA's statutory returns officer (SEN2 exports and checks).
  const std::string returns_token =
      token("returns-officer", auth::kReturns, {});
  // The head of the SEND service (the LA overview).
  const std::string head_token =
      token("head-of-send", auth::kHeadOfService, {});
  // The LA's quality assurance lead (audits any plan).
  const std::string qa_token = token("qa-lead", auth::kQa, {});
  const std::string loader_token =
      token("casework-dev-demo-loader", auth::kIntegration, {});
  // The back office's system account (records steps on any officer's case).
  const std::string integration_token =
      token("back-office", auth::kIntegration, {});
  // The outage drills' endpoint (admins' tokens, as the services check them).
  int dev_port = 0;
  if (!absl::SimpleAtoi(flags->Get("dev-port", "", "0"), &dev_port) ||
      dev_port < 0 || dev_port > 65535) {
    return Fail(absl::InvalidArgumentError("--dev-port: a port number"));
  }
  absl::StatusOr<std::unique_ptr<auth::JwtVerifier>> dev_verifier =
      auth::JwtVerifier::Create(auth::VerifierOptions{
          .issuer = issuer, .audience = "casework", .hs256_secret = *secret});
  if (!dev_verifier.ok()) return Fail(dev_verifier.status());
  const auth::Authorizer dev_authorizer(std::move(*dev_verifier),
                                        SystemClock::Get());
  kafka::EmbeddedBroker* embedded = embedded_broker.get();
  admin::DevStackServiceImpl dev_service(
      embedded == nullptr ? std::function<void(bool)>()
                          : [embedded](bool up) { embedded->SetDown(!up); },
      dev_authorizer);
  ServerRunner dev_runner("casework-dev");
  absl::StatusOr<int> dev_bound =
      dev_runner.Start("127.0.0.1", dev_port, {&dev_service});
  if (!dev_bound.ok()) return Fail(dev_bound.status());
  dev_port = *dev_bound;
  {
    std::ofstream out(data_dir + "/tokens.env");
    out << "# casework-dev tokens, valid for 12 hours from "
        << absl::FormatTime("%Y-%m-%d %H:%M UTC", now, absl::UTCTimeZone())
        << ". Use: source " << data_dir << "/tokens.env\n"
        << "export CASEWORK_OFFICER_TOKEN=" << officer_token << "\n"
        << "export CASEWORK_MANAGER_TOKEN=" << manager_token << "\n"
        << "export CASEWORK_ADMIN_TOKEN=" << admin_token << "\n"
        << "export CASEWORK_RETURNS_TOKEN=" << returns_token << "\n"
        << "export CASEWORK_HEAD_TOKEN=" << head_token << "\n"
        << "export CASEWORK_QA_TOKEN=" << qa_token << "\n"
        << "export CASEWORK_INTEGRATION_TOKEN=" << integration_token << "\n"
        << "export CASEWORK_TOKEN=$CASEWORK_OFFICER_TOKEN\n"
        << "export CASEWORK_BROKERS=" << bootstrap << "\n"
        << "export CASEWORK_DEV_ADDR=127.0.0.1:" << dev_port << "\n"
        << "export CASEWORK_AUTH_ISSUER=" << issuer << "\n"
        << "export CASEWORK_WEB_URL=http://127.0.0.1:" << web_port << "/\n";
  }

  const std::string bin_dir =
      std::filesystem::canonical("/proc/self/exe").parent_path().string();
  Supervisor children;
  auto stop_all = [&] { children.StopAll(); };
  std::map<std::string, int> metrics_ports;
  for (size_t i = 0; i < Catalogue().size(); ++i) {
    const ServiceEntry& e = Catalogue()[i];
    const int port = ports[e.name];
    // A fixed port, or 0: the service binds a free one and writes it to a
    // file casework-dev reads once the service is up (no port picked here and
    // released, which another process could take meanwhile).
    const int metrics_port =
        metrics_base > 0 ? metrics_base + static_cast<int>(i) : 0;
    const std::string port_file =
        absl::StrCat(data_dir, "/", e.name, ".metrics-port");
    std::filesystem::remove(port_file, ec);
    // The embedded broker starts empty: the services publish their logs again
    // and the projection re-reads them (skipping what it applied before).
    std::vector<std::string> args = {"--port",
                                     std::to_string(port),
                                     "--data-dir",
                                     absl::StrCat(data_dir, "/", e.name),
                                     "--brokers",
                                     bootstrap,
                                     "--auth-issuer",
                                     issuer,
                                     "--auth-jwks-url",
                                     issuer + "/jwks.json",
                                     "--auth-hs256-secret-file",
                                     secret_file,
                                     "--metrics-port",
                                     std::to_string(metrics_port),
                                     "--metrics-port-file",
                                     port_file,
                                     "--log-format",
                                     log_format};
    if (embedded_broker) {
      // The embedded broker starts empty: the logs are published again.
      args.push_back("--topics-reset");
      // A produce request in flight when a drill takes the embedded broker
      // down gets no answer: give up on it after 5 s rather than
      // librdkafka's 60 (the record is sent again, within the relay's
      // delivery timeout).
      if (e.domain()) {
        args.insert(args.end(), {"--kafka-config", "socket.timeout.ms=5000"});
      }
    } else {
      // The external cluster: the service signs in as itself.
      args.insert(args.end(),
                  {"--kafka-config",
                   absl::StrCat(security, ",sasl.username=", e.name)});
      if (!password_dir.empty()) {
        args.insert(args.end(), {"--kafka-password-file",
                                 absl::StrCat(password_dir, "/", e.name)});
      }
    }
    if (!today_flag.empty()) {
      args.insert(args.end(),
                  {"--today", today.ToString(), "--non-production"});
    }
    if (e.name == "transport") {
      // The demo LA's term dates (the first day of each term).
      args.insert(args.end(),
                  {"--term-starts",
                   "2025-09-03,2026-01-05,2026-04-20,2026-09-03,2027-01-05,"
                   "2027-04-19,2027-09-02"});
    }
    if (!e.domain() && embedded_broker) {
      // The embedded broker answers a fetch only when its wait runs out, not
      // when data arrives: a short wait keeps the consumers close behind. A
      // fetch in flight when a drill takes the broker down gets no answer:
      // give up on it after 5 s rather than librdkafka's 60.
      args.insert(args.end(), {"--kafka-config",
                               "fetch.wait.max.ms=20,socket.timeout.ms=5000"});
    }
    if (e.name == "statutory-returns") {
      // The demo LA: a made-up LA number, and designated officers in post.
      args.insert(args.end(),
                  {"--la-number", "999", "--sen2-officers", "Y,Y,N"});
    }
    absl::StatusOr<Child> child = Spawn(bin_dir + "/" + e.name, args, e.name);
    if (!child.ok()) {
      stop_all();
      return Fail(child.status());
    }
    children.Add(*child);
    if (!WaitReady(absl::StrCat("127.0.0.1:", port), absl::Seconds(20))) {
      stop_all();
      return Fail(absl::UnavailableError(absl::StrCat(
          e.name, " did not start on port ", port, " (is the port in use?)")));
    }
    // The metrics port the service bound (written right after its gRPC
    // server starts).
    for (int tries = 0; tries < 200 && metrics_ports[e.name] == 0; ++tries) {
      absl::StatusOr<std::string> text = ReadFile(port_file);
      int bound = 0;
      if (text.ok() &&
          absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &bound)) {
        metrics_ports[e.name] = bound;
      } else {
        absl::SleepFor(absl::Milliseconds(50));
      }
    }
    if (metrics_ports[e.name] == 0) {
      stop_all();
      return Fail(absl::UnavailableError(
          absl::StrCat(e.name, " did not report its metrics port")));
    }
  }
  {
    std::ofstream out(data_dir + "/metrics.env");
    out << "# casework-dev: each service's /metrics, /healthz and /readyz\n";
    for (const ServiceEntry& e : Catalogue()) {
      out << "export CASEWORK_" << absl::AsciiStrToUpper(e.cli_name)
          << "_METRICS=127.0.0.1:" << metrics_ports[e.name] << "\n";
    }
  }

  // The web app and its gateway, signing in with the dev provider.
  {
    const std::string app_dir = flags->Get(
        "web-app-dir", "CASEWORK_WEB_APP_DIR",
        std::filesystem::path(bin_dir).parent_path().string() + "/web-app");
    const std::string port_file = data_dir + "/web.metrics-port";
    std::filesystem::remove(port_file, ec);
    const int metrics_port =
        metrics_base > 0 ? metrics_base + static_cast<int>(Catalogue().size())
                         : 0;
    std::vector<std::string> args = {"--port",
                                     std::to_string(web_port),
                                     "--app-dir",
                                     app_dir,
                                     "--oidc-issuer",
                                     issuer,
                                     "--log-format",
                                     log_format,
                                     "--metrics-port",
                                     std::to_string(metrics_port),
                                     "--metrics-port-file",
                                     port_file};
    for (const ServiceEntry& e : Catalogue()) {
      if (e.api.empty()) continue;
      args.push_back("--" + e.cli_name);
      args.push_back(absl::StrCat("127.0.0.1:", ports[e.name]));
    }
    absl::StatusOr<Child> child = Spawn(bin_dir + "/web", args, "web");
    if (!child.ok()) {
      stop_all();
      return Fail(child.status());
    }
    children.Add(*child);
    httplib::Client probe("127.0.0.1", web_port);
    probe.set_connection_timeout(0, 200000);
    bool up = false;
    for (int tries = 0; tries < 100 && !up; ++tries) {
      httplib::Result r = probe.Get("/healthz");
      up = r && r->status == 200;
      if (!up) absl::SleepFor(absl::Milliseconds(100));
    }
    if (!up) {
      stop_all();
      return Fail(absl::UnavailableError(absl::StrCat(
          "web did not start on port ", web_port, " (is the port in use?)")));
    }
    absl::StatusOr<std::string> text = ReadFile(port_file);
    int bound = 0;
    if (!text.ok() ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &bound)) {
      stop_all();
      return Fail(
          absl::UnavailableError("web did not report its metrics port"));
    }
    metrics_ports["web"] = bound;
    std::ofstream(data_dir + "/metrics.env", std::ios::app)
        << "export CASEWORK_WEB_METRICS=127.0.0.1:" << bound << "\n";
  }

  std::printf(
      "casework is running\n  web app           http://127.0.0.1:%d/   (sign "
      "in as any demo user: development identity provider %s)\n"
      "  kafka bootstrap   %s   (also in %s/kafka.bootstrap)\n",
      web_port, issuer.c_str(), bootstrap.c_str(), data_dir.c_str());
  for (const ServiceEntry& e : Catalogue()) {
    std::printf("  %-17s 127.0.0.1:%d   metrics http://127.0.0.1:%d/metrics\n",
                e.name.c_str(), ports[e.name], metrics_ports[e.name]);
  }
  std::printf("  %-17s 127.0.0.1:%d   metrics http://127.0.0.1:%d/metrics\n",
              "web", web_port, metrics_ports["web"]);
  std::printf(
      "tokens (valid 12 hours; all in %s/tokens.env, which sets CASEWORK_TOKEN "
      "to the officer's):\n"
      "  officer-01 (officer, team-north)     %s\n"
      "  manager-north (manager, team-north)  %s\n"
      "  admin (admin)                        %s\n"
      "  returns-officer (returns: SEN2)      %s\n",
      data_dir.c_str(), officer_token.c_str(), manager_token.c_str(),
      admin_token.c_str(), returns_token.c_str());
  std::fflush(stdout);

  if (flags->Has("demo")) {
    std::printf("loading the demo history (%d children) through gRPC...\n",
                demo_children);
    std::fflush(stdout);
    absl::Time start = absl::Now();
    absl::StatusOr<demo::DemoSummary> summary = demo::LoadDemo(
        demo::DemoOptions{.ehc_address = absl::StrCat("127.0.0.1:", ehc_port),
                          .children = demo_children,
                          .officers = officers,
                          .today = today,
                          .token = loader_token});
    if (!summary.ok()) {
      stop_all();
      return Fail(summary.status());
    }
    std::printf(
        "EHC demo loaded: %lld commands (%lld already present) in %.1f s; "
        "%zu final plans\n",
        static_cast<long long>(summary->commands),
        static_cast<long long>(summary->repeated),
        absl::ToDoubleSeconds(absl::Now() - start),
        summary->final_plans.size());
    std::fflush(stdout);
    start = absl::Now();
    absl::StatusOr<demo::DemoSummary> reviews = demo::LoadReviewDemo(
        demo::ReviewDemoOptions{
            .reviews_address = absl::StrCat("127.0.0.1:", reviews_port),
            .token = loader_token,
            .today = today,
            .migrated_plans = std::max(1, demo_children * 3 / 10),
            .officers = officers},
        summary->final_plans);
    if (!reviews.ok()) {
      stop_all();
      return Fail(reviews.status());
    }
    // The made-up children's person details, as the back office would
    // publish them for the statutory returns.
    {
      const int migrated = std::max(1, demo_children * 3 / 10);
      std::vector<kafka::Message> people;
      auto add = [&](const std::string& child, Date dob) {
        v1::PersonRecord p = demo::DemoPerson(child, dob, today, 20261123);
        kafka::Message m;
        m.key = child;
        m.value = p.SerializeAsString();
        m.headers = {{"content-type", "application/protobuf"},
                     {"ce_type", "uk.send.casework.people.v1.PersonRecord"}};
        people.push_back(std::move(m));
      };
      for (int n = 1; n <= demo_children; ++n) {
        const std::string child = absl::StrFormat("child-%05d", n);
        add(child, demo::DemoBirthDate(child, today, 20261123));
      }
      for (int n = 1; n <= migrated; ++n) {
        const std::string child = absl::StrFormat("pchild-%04d", n);
        add(child, demo::DemoBirthDate(child, today, 20261123, 3, 19));
      }
      // Their school events, as the back office would publish them for the
      // annual reviews (children without an active plan are passed over).
      std::vector<kafka::Message> school;
      auto add_school = [&](const std::string& child) {
        for (const v1::SchoolEventRecord& r :
             demo::DemoSchoolEvents(child, today, 20261123)) {
          kafka::Message m;
          m.key = child;
          m.value = r.SerializeAsString();
          m.headers = {{"content-type", "application/protobuf"},
                       {"ce_type", statutory::kSchoolEventRecordType}};
          school.push_back(std::move(m));
        }
      };
      for (int n = 1; n <= demo_children; ++n) {
        add_school(absl::StrFormat("child-%05d", n));
      }
      for (int n = 1; n <= migrated; ++n) {
        add_school(absl::StrFormat("pchild-%04d", n));
      }
      absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
          kafka::Producer::Create(bootstrap, *backoffice);
      absl::Status sent = producer.ok()
                              ? (*producer)->Send("casework.people.v1", people)
                              : producer.status();
      if (sent.ok()) {
        sent = (*producer)->Send(statutory::kSchoolEventsTopic, school);
      }
      if (sent.ok()) {
        sent = WaitIntake(bootstrap, *backoffice, statutory::kSchoolEventsTopic,
                          absl::StrCat("127.0.0.1:", reviews_port), admin_token,
                          absl::Minutes(2));
      }
      if (!sent.ok()) {
        stop_all();
        return Fail(sent);
      }
    }
    std::printf(
        "review demo loaded: %lld plans, %lld commands (%lld already present) "
        "in %.1f s\n",
        static_cast<long long>(reviews->children),
        static_cast<long long>(reviews->commands),
        static_cast<long long>(reviews->repeated),
        absl::ToDoubleSeconds(absl::Now() - start));
    start = absl::Now();
    absl::StatusOr<demo::DemoSummary> travel =
        demo::LoadTransportDemo(demo::TransportDemoOptions{
            .transport_address = absl::StrCat("127.0.0.1:", transport_port),
            .token = loader_token,
            .today = today,
            .applications = std::max(1, demo_children / 4),
            .officers = officers});
    if (!travel.ok()) {
      stop_all();
      return Fail(travel.status());
    }
    std::printf(
        "transport demo loaded: %lld applications, %lld commands (%lld already "
        "present) in %.1f s\n",
        static_cast<long long>(travel->children),
        static_cast<long long>(travel->commands),
        static_cast<long long>(travel->repeated),
        absl::ToDoubleSeconds(absl::Now() - start));
    start = absl::Now();
    absl::StatusOr<demo::DemoSummary> disputes =
        demo::LoadComplaintsDemo(demo::ComplaintsDemoOptions{
            .complaints_address = absl::StrCat("127.0.0.1:", complaints_port),
            .token = loader_token,
            .today = today,
            .complaints = std::max(1, demo_children / 20),
            .disagreements = std::max(1, demo_children * 3 / 100),
            .feedback = std::max(1, demo_children / 5),
            .officers = officers});
    if (!disputes.ok()) {
      stop_all();
      return Fail(disputes.status());
    }
    std::printf(
        "complaints demo loaded: %lld complaints, disagreements and feedback, "
        "%lld "
        "commands (%lld already present) in %.1f s\n"
        "demo loaded\n",
        static_cast<long long>(disputes->children),
        static_cast<long long>(disputes->commands),
        static_cast<long long>(disputes->repeated),
        absl::ToDoubleSeconds(absl::Now() - start));
    std::printf(
        "try:\n"
        "  open http://127.0.0.1:%d/ in a browser and sign in as a demo user\n"
        "  source %s/tokens.env\n"
        "  build/bin/casectl scorecard officer-01\n"
        "  build/bin/casectl worklist officer-01\n"
        "  build/bin/casectl timeline child-00001\n"
        "  kcat -b $(cat %s/kafka.bootstrap) -t casework.ehc-assessments.v1 -C "
        "-e -c 3 -J\n",
        web_port, data_dir.c_str(), data_dir.c_str());
  }
  std::printf(
      "outage drills: casectl --token $CASEWORK_ADMIN_TOKEN admin broker "
      "down|up (127.0.0.1:%d)\n"
      "Ctrl-C stops everything.\n",
      dev_port);
  std::fflush(stdout);
  if (!flags->Has("exit-after-demo")) WaitForShutdownSignal();
  LogInfo("stopping services");
  stop_all();
  return 0;
}
