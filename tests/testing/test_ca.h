// TestCa: a certificate authority made at test time with the openssl command
// (in the test's own directory), issuing certificates for servers
// (localhost, 127.0.0.1) and clients.
#ifndef CASEWORK_TESTS_TESTING_TEST_CA_H_
#define CASEWORK_TESTS_TESTING_TEST_CA_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace casework::testutil {

class TestCa {
 public:
  // Makes the CA's key and self-signed certificate under `dir`/`name`.
  TestCa(const std::string& dir, const std::string& name)
      : dir_(dir), name_(name) {
    ok_ =
        Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
            "-nodes -days 2 -subj '/CN=" +
            name + " test CA' -keyout " + Path("ca.key") + " -out " +
            Path("ca.pem"));
  }
  bool ok() const { return ok_; }
  std::string ca_file() const { return Path("ca.pem"); }

  // Issues a certificate for `cn` (server certificates also name localhost
  // and 127.0.0.1); returns false on failure. Files: <cn>.pem, <cn>.key.
  bool Issue(const std::string& cn, bool server) {
    std::ofstream ext(Path(cn + ".ext"));
    ext << (server ? "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                     "extendedKeyUsage=serverAuth\n"
                   : "extendedKeyUsage=clientAuth\n");
    ext.close();
    return Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
               "-nodes -subj '/CN=" +
               cn + "' -keyout " + Path(cn + ".key") + " -out " +
               Path(cn + ".csr")) &&
           Run("openssl x509 -req -days 2 -in " + Path(cn + ".csr") + " -CA " +
               Path("ca.pem") + " -CAkey " + Path("ca.key") +
               " -CAcreateserial -extfile " + Path(cn + ".ext") + " -out " +
               Path(cn + ".pem"));
  }
  std::string cert_file(const std::string& cn) const {
    return Path(cn + ".pem");
  }
  std::string key_file(const std::string& cn) const {
    return Path(cn + ".key");
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string Path(const std::string& file) const {
    return dir_ + "/" + name_ + "-" + file;
  }
  static bool Run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }
  std::string dir_;
  std::string name_;
  bool ok_ = false;
};

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_TEST_CA_H_
