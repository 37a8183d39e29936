// TempDir: a fresh directory per test, removed with everything in it at the end
// (house style 17: tests never share a directory).
#ifndef CASEWORK_TESTS_TESTING_TEMP_DIR_H_
#define CASEWORK_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace casework::testutil {

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "casework-test-XXXXXX")
            .string();
    char* made = mkdtemp(tmpl.data());
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_TEMP_DIR_H_
