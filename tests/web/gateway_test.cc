// The web gateway over real sockets: a fake ProjectionService on a gRPC port,
// the gateway on an HTTP port (both port 0), and an HTTP client speaking the
// Connect protocol as the browser does (JSON and binary).
#include <arpa/inet.h>
#include <google/protobuf/any.pb.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/projection.grpc.pb.h"
#include "services/web/web_server.h"
#include "tests/testing/temp_dir.h"

namespace casework::web {
namespace {

namespace pb = google::protobuf;

// Answers GetWorklist with what it was asked and who asked; refuses by the
// officer id it is given, as the real service would.
class FakeProjection final : public v1::ProjectionService::Service {
 public:
  grpc::Status GetWorklist(grpc::ServerContext* context,
                           const v1::GetWorklistRequest* request,
                           v1::Worklist* response) override {
    ++calls;
    auto auth = context->client_metadata().find("authorization");
    last_authorization =
        auth == context->client_metadata().end()
            ? ""
            : std::string(auth->second.data(), auth->second.size());
    auto version = context->client_metadata().find("casework-expected-version");
    last_expected_version =
        version == context->client_metadata().end()
            ? ""
            : std::string(version->second.data(), version->second.size());
    if (request->officer_id() == "someone-else") {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "officer-1 may not read the worklist of "
                          "someone-else");
    }
    if (request->officer_id() == "bad id") {
      // A google.rpc.Status with one detail, as a service may attach.
      pb::Any detail;
      detail.set_type_url("type.googleapis.com/casework.v1.SeenWrite");
      v1::SeenWrite seen;
      seen.set_stream_id("s-1");
      detail.set_value(seen.SerializeAsString());
      std::string status;
      // field 1 code, field 2 message, field 3 details
      status.push_back(0x08);
      status.push_back(3);
      status.push_back(0x1a);
      const std::string any = detail.SerializeAsString();
      status.push_back(static_cast<char>(any.size()));
      status += any;
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "officer_id: 'bad id' is not an id", status);
    }
    response->set_officer_id(request->officer_id());
    *response->mutable_as_of() = request->as_of();
    v1::WorklistItem* item = response->add_items();
    item->set_child_id("child-1");
    item->set_days_overdue(3);
    item->set_overdue(true);
    response->set_open_count(1);
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
  std::string last_authorization;
  std::string last_expected_version;
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int grpc_port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &grpc_port);
    builder.RegisterService(&fake_);
    grpc_server_ = builder.BuildAndStart();
    ASSERT_GT(grpc_port, 0);
    std::ofstream(dir_.Sub("index.html"))
        << "<!doctype html><title>app</title>";
    std::filesystem::create_directories(dir_.Sub("assets"));
    std::ofstream(dir_.Sub("assets/app-AB12CD.js")) << "console.log(1)";
    StartGateway(absl::StrCat("127.0.0.1:", grpc_port));
  }

  void StartGateway(const std::string& address, size_t max_body = 4096) {
    server_.reset();
    GatewayOptions options;
    options.max_body_bytes = max_body;
    auto gateway = ConnectGateway::Create(
        {{"casework.v1.ProjectionService",
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials())}},
        options);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    WebOptions web;
    web.port = 0;
    web.app_dir = dir_.path();
    web.oidc_issuer = "https://login.example.gov.uk/tenant/v2.0";
    web.case_system_url = "https://one.example.gov.uk/person/{child_id}";
    auto server = WebServer::Start(
        web, std::shared_ptr<const ConnectGateway>(std::move(*gateway)),
        nullptr);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& type = "application/json",
                       httplib::Headers headers = {}) {
    headers.emplace("Authorization", "Bearer token-of-officer-1");
    headers.emplace("Connect-Protocol-Version", "1");
    return client_->Post(path.c_str(), headers, body, type.c_str());
  }

  // The Connect error body's code and message.
  static std::pair<std::string, std::string> Error(const std::string& body) {
    pb::Struct error;
    EXPECT_TRUE(pb::util::JsonStringToMessage(body, &error).ok()) << body;
    return {error.fields().at("code").string_value(),
            error.fields().contains("message")
                ? error.fields().at("message").string_value()
                : ""};
  }

  testutil::TempDir dir_;
  FakeProjection fake_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<WebServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

constexpr char kWorklist[] = "/casework.v1.ProjectionService/GetWorklist";

TEST_F(GatewayTest,
       JsonCallReachesTheServiceWithTheCallersTokenAndAnswersJson) {
  httplib::Result r = Post(
      kWorklist,
      R"({"officerId":"officer-1","asOf":{"year":2026,"month":3,"day":3}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  v1::Worklist worklist;
  ASSERT_TRUE(pb::util::JsonStringToMessage(r->body, &worklist).ok())
      << r->body;
  EXPECT_EQ(worklist.officer_id(), "officer-1");
  EXPECT_EQ(worklist.as_of().day(), 3);
  ASSERT_EQ(worklist.items_size(), 1);
  EXPECT_EQ(worklist.items(0).days_overdue(), 3);
  EXPECT_EQ(fake_.last_authorization, "Bearer token-of-officer-1");
  EXPECT_EQ(fake_.last_expected_version, "");
  // The version a page was built on goes with a command.
  r = Post(kWorklist, R"({"officerId":"officer-1"})", "application/json",
           {{"Casework-Expected-Version", "7"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(fake_.last_expected_version, "7");
}

TEST_F(GatewayTest, BinaryCallAnswersBinary) {
  v1::GetWorklistRequest request;
  request.set_officer_id("officer-2");
  httplib::Result r =
      Post(kWorklist, request.SerializeAsString(), "application/proto");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/proto");
  v1::Worklist worklist;
  ASSERT_TRUE(worklist.ParseFromString(r->body));
  EXPECT_EQ(worklist.officer_id(), "officer-2");
  EXPECT_EQ(worklist.open_count(), 1);
}

TEST_F(GatewayTest, ServiceRefusalsKeepTheirMessageAndMapToConnectCodes) {
  httplib::Result r = Post(kWorklist, R"({"officerId":"someone-else"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Error(r->body),
            std::make_pair(std::string("permission_denied"),
                           std::string("officer-1 may not read the worklist of "
                                       "someone-else")));
  // Errors are JSON whatever the request's codec.
  v1::GetWorklistRequest request;
  request.set_officer_id("someone-else");
  r = Post(kWorklist, request.SerializeAsString(), "application/proto");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Error(r->body).first, "permission_denied");
}

TEST_F(GatewayTest, ErrorDetailsPassThroughAsConnectDetails) {
  httplib::Result r = Post(kWorklist, R"({"officerId":"bad id"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  pb::Struct error;
  ASSERT_TRUE(pb::util::JsonStringToMessage(r->body, &error).ok());
  EXPECT_EQ(error.fields().at("message").string_value(),
            "officer_id: 'bad id' is not an id");
  const pb::ListValue& details = error.fields().at("details").list_value();
  ASSERT_EQ(details.values_size(), 1);
  const auto& detail = details.values(0).struct_value().fields();
  EXPECT_EQ(detail.at("type").string_value(), "casework.v1.SeenWrite");
  const std::string value = detail.at("value").string_value();
  EXPECT_FALSE(absl::EndsWith(value, "="));  // unpadded, as Connect writes it
  std::string bytes;
  ASSERT_TRUE(absl::Base64Unescape(value, &bytes));
  v1::SeenWrite seen;
  ASSERT_TRUE(seen.ParseFromString(bytes));
  EXPECT_EQ(seen.stream_id(), "s-1");
}

TEST_F(GatewayTest, AnUnknownJsonFieldIsRefusedNamingItAndNothingIsCalled) {
  httplib::Result r = Post(kWorklist, R"({"oficerId":"officer-1"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  auto [code, message] = Error(r->body);
  EXPECT_EQ(code, "invalid_argument");
  EXPECT_TRUE(absl::StrContains(message, "oficerId")) << message;
  EXPECT_TRUE(absl::StrContains(message, "casework.v1.GetWorklistRequest"));
  r = Post(kWorklist, R"({"officerId": 7})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = Post(kWorklist, "not json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = Post(kWorklist, "\xff\xff\xff", "application/proto");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Error(r->body).first, "invalid_argument");
  EXPECT_EQ(fake_.calls, 0);
}

TEST_F(GatewayTest, UnknownMethodsAndUnroutedServicesAreNotFound) {
  for (const char* path :
       {"/casework.v1.ProjectionService/NoSuchMethod",
        "/casework.v1.AdminService/Backup",  // in the contract, not routed
        "/casework.v1.Nope/GetWorklist", "/nothing"}) {
    httplib::Result r = Post(path, "{}");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(Error(r->body).first, "unimplemented") << path << r->body;
  }
  EXPECT_EQ(fake_.calls, 0);
}

TEST_F(GatewayTest, OversizedBodiesAreRefusedBeforeTheService) {
  const std::string big =
      absl::StrCat(R"({"officerId":")", std::string(5000, 'a'), R"("})");
  httplib::Result r = Post(kWorklist, big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  auto [code, message] = Error(r->body);
  EXPECT_EQ(code, "resource_exhausted");
  EXPECT_TRUE(absl::StrContains(message, "limit of 4096 bytes")) << message;
  r = Post(kWorklist, std::string(100000, ' '));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Error(r->body).first, "resource_exhausted");
  // At the limit: taken.
  const std::string at_limit =
      absl::StrCat(R"({"officerId":"officer-1"})", std::string(4096 - 25, ' '));
  ASSERT_EQ(at_limit.size(), 4096u);
  EXPECT_EQ(fake_.calls, 0);
  r = Post(kWorklist, at_limit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(fake_.calls, 1);
}

TEST_F(GatewayTest, OtherMediaTypesEncodingsAndTimeoutsAreRefused) {
  httplib::Result r = Post(kWorklist, "officerId=x", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  r = Post(kWorklist, "{}", "application/json", {{"Content-Encoding", "gzip"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);  // not gzip: the HTTP layer refuses it
  EXPECT_EQ(Error(r->body).first, "invalid_argument");
  r = Post(kWorklist, "{}", "application/json", {{"Content-Encoding", "zstd"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(Error(r->body).first, "unimplemented");
  r = Post(kWorklist, "{}", "application/json; charset=utf-8",
           {{"Connect-Timeout-Ms", "soon"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(absl::StrContains(Error(r->body).second, "Connect-Timeout-Ms"));
  EXPECT_EQ(fake_.calls, 0);
  r = Post(kWorklist, "{}", "application/json; charset=utf-8",
           {{"Connect-Timeout-Ms", "5000"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(GatewayTest, AServiceThatIsDownIsUnavailableButTheGatewayStaysReady) {
  httplib::Result ready = client_->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  grpc_server_->Shutdown();
  grpc_server_.reset();
  httplib::Result r = Post(kWorklist, R"({"officerId":"officer-1"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Error(r->body).first, "unavailable");
  // Readiness is the gateway's own: one service down must not take every
  // replica out of service (the other services' calls still work).
  ready = client_->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  httplib::Result live = client_->Get("/healthz");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200);
}

TEST(GatewayBackendHealthTest, TheBackendsHealthIsAMetric) {
  // A gRPC server with the standard health service, SERVING.
  grpc::EnableDefaultHealthCheckService(true);
  FakeProjection fake;
  grpc::ServerBuilder builder;
  int grpc_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &grpc_port);
  builder.RegisterService(&fake);
  std::unique_ptr<grpc::Server> grpc_server = builder.BuildAndStart();
  ASSERT_GT(grpc_port, 0);
  auto gateway = ConnectGateway::Create(
      {{"casework.v1.ProjectionService",
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                            grpc::InsecureChannelCredentials())}},
      {});
  ASSERT_TRUE(gateway.ok());
  metrics::Registry registry;
  WebOptions web;
  web.port = 0;
  web.backend_check_interval = absl::Hours(1);  // the test asks itself
  auto server = WebServer::Start(
      web, std::shared_ptr<const ConnectGateway>(std::move(*gateway)),
      &registry);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string serving =
      "casework_web_backend_serving{service=\"casework.v1.ProjectionService\"}"
      " ";
  (*server)->RefreshBackendHealth();
  EXPECT_TRUE(absl::StrContains(registry.Render(), serving + "1"))
      << registry.Render();
  // A service not serving (catching up, say) still answers; the answer says
  // it may be behind.
  httplib::Client client("127.0.0.1", (*server)->port());
  auto call = [&] {
    return client.Post(kWorklist, {{"Authorization", "Bearer t"}},
                       R"({"officerId":"officer-1"})", "application/json");
  };
  httplib::Result r = call();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->has_header("Casework-Service-Status"));
  grpc_server->GetHealthCheckService()->SetServingStatus(false);
  (*server)->RefreshBackendHealth();
  EXPECT_TRUE(absl::StrContains(registry.Render(), serving + "0"));
  r = call();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Casework-Service-Status"), "not-serving");
  grpc_server->GetHealthCheckService()->SetServingStatus(true);
  (*server)->RefreshBackendHealth();
  r = call();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_header("Casework-Service-Status"));
  grpc_server->Shutdown();
  (*server)->RefreshBackendHealth();
  EXPECT_TRUE(absl::StrContains(registry.Render(), serving + "0"))
      << registry.Render();
}

// One request written to the gateway's socket byte for byte (no client
// library to tidy it up), and whatever comes back before the server closes.
std::string RawRequest(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close on a header it will not read
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return answer;
}

TEST_F(GatewayTest, NoHeaderBytesCrashTheGatewayOrReachTheService) {
  auto request = [](const std::string& header, const std::string& value) {
    const std::string body = R"({"officerId":"officer-1"})";
    return absl::StrCat("POST ", kWorklist,
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: application/json\r\n",
                        header, ": ", value,
                        "\r\nConnection: close\r\nContent-Length: ",
                        body.size(), "\r\n\r\n", body);
  };
  // Presence first: a good token goes through and reaches the service.
  std::string answer =
      RawRequest(server_->port(), request("Authorization", "Bearer a.b-c_d"));
  EXPECT_TRUE(absl::StartsWith(answer, "HTTP/1.1 200")) << answer;
  EXPECT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_authorization, "Bearer a.b-c_d");
  // Each header, and whether it must be refused outright. The HTTP layer may
  // tidy some first (trailing white space, a value cut at a NUL or a tab);
  // what it then passes on must be clean.
  struct Case {
    std::string header, value;
    bool refused;
  };
  const std::vector<Case> cases = {
      {"Authorization", "Bearer %01", true},
      {"Authorization", "Bearer %00abc", true},
      {"Authorization", std::string("Bearer a\0b", 10), false},
      {"Authorization", "Bearer a\tb", false},
      {"Authorization", "Bearer a%0Ab", true},
      {"Authorization", "Bearer a\x01b", true},
      {"Authorization", "Bearer \xc3\xa9t\xe9", true},
      {"Authorization", "Bearer %FF%FE", true},
      {"Authorization", "Basic dXNlcjpwYXNz", true},
      {"Authorization", "Bearer ", true},
      {"Authorization", absl::StrCat("Bearer ", std::string(100000, 'a')),
       true},
      {"Casework-Expected-Version", "%01", true},
      {"Casework-Expected-Version", "7 ", false},
      {"Casework-Expected-Version", "\x80", true},
      {"Casework-Expected-Version", "-1", true},
      {"Content-Type", "application/json%00\xff", false},
      {"X-Padding", std::string(100000, 'x'), true},
  };
  const auto clean = [](const std::string& text, bool token) {
    return std::all_of(text.begin(), text.end(), [token](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
             (token && absl::StrContains(" -._~+/=", c));
    });
  };
  for (const Case& c : cases) {
    const std::string shown = absl::StrCat(c.header, ": ", Printable(c.value));
    const int calls_before = fake_.calls;
    answer = RawRequest(server_->port(), request(c.header, c.value));
    if (c.refused) {
      EXPECT_EQ(fake_.calls, calls_before) << shown;
      EXPECT_FALSE(absl::StartsWith(answer, "HTTP/1.1 200")) << shown;
      // The gateway's refusal names the header; the HTTP layer's own (a
      // header too long, a byte HTTP forbids) says what it was.
      if (absl::StartsWith(answer, "HTTP/1.1 400") && c.header != "X-Padding") {
        EXPECT_TRUE(absl::StrContains(answer, "invalid_argument")) << answer;
        EXPECT_FALSE(absl::StrContains(answer, "no method")) << answer;
      }
    } else if (fake_.calls > calls_before) {
      EXPECT_TRUE(clean(fake_.last_authorization, true)) << shown;
      EXPECT_TRUE(clean(fake_.last_expected_version, false)) << shown;
    }
    httplib::Result live = client_->Get("/healthz");
    ASSERT_TRUE(live) << "the gateway died on " << shown;
    EXPECT_EQ(live->status, 200);
  }
  // And it still serves.
  httplib::Result r = Post(kWorklist, R"({"officerId":"officer-1"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(ForwardedHeadersTest, OnlyBearerTokensAndDigitVersionsPass) {
  EXPECT_TRUE(CheckForwardedHeaders("", "").ok());
  EXPECT_TRUE(CheckForwardedHeaders("Bearer eyJh.eyJz.c2ln", "12").ok());
  EXPECT_TRUE(CheckForwardedHeaders("bearer abc+/~==", "0").ok());
  EXPECT_FALSE(CheckForwardedHeaders("Bearer abc=d", "").ok());
  EXPECT_FALSE(CheckForwardedHeaders("Bearer  abc", "").ok());
  EXPECT_FALSE(CheckForwardedHeaders("Bearer abc def", "").ok());
  EXPECT_FALSE(CheckForwardedHeaders("Bearer\x7f", "").ok());
  EXPECT_FALSE(CheckForwardedHeaders("Token abc", "").ok());
  EXPECT_FALSE(
      CheckForwardedHeaders(
          absl::StrCat("Bearer ", std::string(kMaxAuthorizationBytes, 'a')), "")
          .ok());
  EXPECT_FALSE(CheckForwardedHeaders("", "1.5").ok());
  EXPECT_FALSE(CheckForwardedHeaders("", "1234567890123456789").ok());
  const absl::Status refused = CheckForwardedHeaders("Bearer a\x01secret", "");
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(absl::StrContains(refused.message(), "secret"))
      << "a token is never echoed";
}

TEST_F(GatewayTest, ReservedPathsNeverFallThroughToTheApp) {
  // Presence first: an app path is the app.
  httplib::Result r = client_->Get("/worklist/officer-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "<!doctype html><title>app</title>");
  for (const char* path :
       {"/metrics", "/metrics/", "/healthz/x", "/readyz/more",
        "/casework.v1.ProjectionService/GetWorklist", "/grpc.health.v1"}) {
    r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->status, 200) << path;
    EXPECT_FALSE(absl::StrContains(r->body, "<title>app")) << path;
  }
  r = client_->Get(kWorklist);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "POST");
}

TEST_F(GatewayTest, ServesTheAppItsOwnPathsConfigAndSecurityHeaders) {
  httplib::Result r = client_->Get("/team/team-north");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<!doctype html><title>app</title>");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  const std::string csp = r->get_header_value("Content-Security-Policy");
  EXPECT_TRUE(absl::StrContains(csp, "script-src 'self';")) << csp;
  EXPECT_TRUE(absl::StrContains(
      csp, "connect-src 'self' https://login.example.gov.uk;"))
      << csp;
  EXPECT_TRUE(absl::StrContains(csp, "frame-ancestors 'none'"));
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  r = client_->Get("/assets/app-AB12CD.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(
      absl::StartsWith(r->get_header_value("Content-Type"), "text/javascript"));
  EXPECT_TRUE(
      absl::StrContains(r->get_header_value("Cache-Control"), "immutable"));
  r = client_->Get("/assets/missing.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = client_->Get("/../../etc/passwd");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("app"), std::string::npos);  // never a file outside
  r = client_->Get("/config.json");
  ASSERT_TRUE(r);
  pb::Struct config;
  ASSERT_TRUE(pb::util::JsonStringToMessage(r->body, &config).ok()) << r->body;
  EXPECT_EQ(config.fields().at("issuer").string_value(),
            "https://login.example.gov.uk/tenant/v2.0");
  EXPECT_EQ(config.fields().at("caseSystemUrl").string_value(),
            "https://one.example.gov.uk/person/{child_id}");
  EXPECT_EQ(config.fields().at("audience").string_value(), "casework");
}

TEST(GatewayCreateTest, AServiceWithAStreamingMethodCannotBeRouted) {
  // A contract of its own: one unary and one server-streaming method.
  pb::FileDescriptorProto file;
  file.set_name("streaming_test.proto");
  file.set_package("test");
  file.set_syntax("proto3");
  file.add_message_type()->set_name("M");
  pb::ServiceDescriptorProto* service = file.add_service();
  service->set_name("Mixed");
  pb::MethodDescriptorProto* unary = service->add_method();
  unary->set_name("Get");
  unary->set_input_type(".test.M");
  unary->set_output_type(".test.M");
  pb::MethodDescriptorProto* stream = service->add_method();
  stream->set_name("Watch");
  stream->set_input_type(".test.M");
  stream->set_output_type(".test.M");
  stream->set_server_streaming(true);
  pb::DescriptorPool pool;
  ASSERT_NE(pool.BuildFile(file), nullptr);
  const absl::Status refused =
      CheckRoutable(*pool.FindServiceByName("test.Mixed"));
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(refused.message(), "test.Mixed/Watch"))
      << refused;
  service->mutable_method()->RemoveLast();
  file.set_name("unary_test.proto");
  file.set_package("test2");
  service->set_name("Unary");
  service->mutable_method(0)->set_input_type(".test2.M");
  service->mutable_method(0)->set_output_type(".test2.M");
  ASSERT_NE(pool.BuildFile(file), nullptr);
  EXPECT_TRUE(CheckRoutable(*pool.FindServiceByName("test2.Unary")).ok());
  // Every routed service of the contract is unary.
  EXPECT_TRUE(
      CheckRoutable(*pb::DescriptorPool::generated_pool()->FindServiceByName(
                        "casework.v1.ProjectionService"))
          .ok());
}

TEST(GatewayCreateTest, ARouteToAServiceOutsideTheContractIsRefused) {
  auto gateway = ConnectGateway::Create(
      {{"casework.v1.NoSuchService",
        grpc::CreateChannel("127.0.0.1:1",
                            grpc::InsecureChannelCredentials())}},
      {});
  EXPECT_FALSE(gateway.ok());
  EXPECT_TRUE(absl::StrContains(gateway.status().message(),
                                "casework.v1.NoSuchService"));
}

}  // namespace
}  // namespace casework::web
