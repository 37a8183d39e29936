// TLS and mutual TLS on the shared server bootstrap, with a CA made at test
// time: a TLS client that trusts the CA is served; a plaintext client, a client
// trusting another CA, and (under mTLS) a client without a certificate or with
// one from another CA are refused.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "libs/rpc/server.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_ca.h"

namespace casework {
namespace {

// A grpc.health.v1 Check over the given credentials; the call's status.
grpc::StatusCode HealthCheck(int port,
                             std::shared_ptr<grpc::ChannelCredentials> creds) {
  grpc::ChannelArguments args;
  args.SetInt("casework.test.unique", rand());  // a fresh connection each time
  auto channel =
      grpc::CreateCustomChannel(absl::StrCat("localhost:", port), creds, args);
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::ByteBuffer in, out;  // empty HealthCheckRequest: the overall status
  grpc::Slice empty("");
  in = grpc::ByteBuffer(&empty, 1);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in,
                 &out, [&](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get().error_code();
}

std::shared_ptr<grpc::ChannelCredentials> Tls(const std::string& ca,
                                              const std::string& cert = "",
                                              const std::string& key = "") {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = testutil::TestCa::Read(ca);
  if (!cert.empty()) {
    o.pem_cert_chain = testutil::TestCa::Read(cert);
    o.pem_private_key = testutil::TestCa::Read(key);
  }
  return grpc::SslCredentials(o);
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ca_.ok()) << "openssl could not make a CA";
    ASSERT_TRUE(other_.ok());
    ASSERT_TRUE(ca_.Issue("server", true));
    ASSERT_TRUE(ca_.Issue("client", false));
    ASSERT_TRUE(other_.Issue("intruder", false));
  }
  testutil::TempDir dir_;
  testutil::TestCa ca_{dir_.path(), "la"};
  testutil::TestCa other_{dir_.path(), "other"};
};

TEST_F(TlsTest, ServesTlsToClientsThatTrustItsCa) {
  ServerRunner runner("tls-test");
  absl::StatusOr<int> port =
      runner.Start("127.0.0.1", 0, {},
                   TlsFiles{.cert_file = ca_.cert_file("server"),
                            .key_file = ca_.key_file("server")});
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ(HealthCheck(*port, Tls(ca_.ca_file())), grpc::StatusCode::OK);
  EXPECT_EQ(HealthCheck(*port, grpc::InsecureChannelCredentials()),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(HealthCheck(*port, Tls(other_.ca_file())),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheClientCa) {
  ServerRunner runner("mtls-test");
  absl::StatusOr<int> port =
      runner.Start("127.0.0.1", 0, {},
                   TlsFiles{.cert_file = ca_.cert_file("server"),
                            .key_file = ca_.key_file("server"),
                            .client_ca_file = ca_.ca_file()});
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ(HealthCheck(*port, Tls(ca_.ca_file(), ca_.cert_file("client"),
                                   ca_.key_file("client"))),
            grpc::StatusCode::OK);
  EXPECT_EQ(HealthCheck(*port, Tls(ca_.ca_file())),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(HealthCheck(*port, Tls(ca_.ca_file(), other_.cert_file("intruder"),
                                   other_.key_file("intruder"))),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MissingCertificateFilesAreReported) {
  ServerRunner runner("tls-missing");
  absl::StatusOr<int> port =
      runner.Start("127.0.0.1", 0, {},
                   TlsFiles{.cert_file = dir_.Sub("nope.pem"),
                            .key_file = dir_.Sub("nope.key")});
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("nope.pem"), absl::string_view::npos)
      << port.status();
}

}  // namespace
}  // namespace casework
