#include "libs/core/clock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace casework {
namespace {

bool IsLowerHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// The canonical 8-4-4-4-12 form of an RFC 9562 version 4 UUID.
void ExpectVersion4(const std::string& id) {
  ASSERT_EQ(id.size(), 36u) << id;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      ASSERT_EQ(id[i], '-') << id;
    } else {
      ASSERT_TRUE(IsLowerHex(id[i])) << id;
    }
  }
  EXPECT_EQ(id[14], '4') << "version nibble of " << id;
  EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b')
      << "variant bits of " << id;
}

TEST(NewUuid, AMillionIdsAreDistinctVersion4Uuids) {
  constexpr int kCount = 1000000;
  std::unordered_set<std::string> seen;
  seen.reserve(kCount);
  for (int i = 0; i < kCount; ++i) {
    std::string id = NewUuid();
    if (i % 1000 == 0) ExpectVersion4(id);
    ASSERT_TRUE(seen.insert(std::move(id)).second) << "duplicate after " << i;
  }
}

TEST(NewUuid, EveryHexDigitOfTheRandomPartVaries) {
  // A generator with a stuck or narrow field (e.g. one 32-bit seed spread
  // over 128 bits) would leave some positions constant across draws.
  std::string first = NewUuid();
  std::vector<bool> varied(first.size(), false);
  for (int i = 0; i < 2000; ++i) {
    const std::string id = NewUuid();
    for (size_t j = 0; j < id.size(); ++j)
      varied[j] = varied[j] || id[j] != first[j];
  }
  for (size_t j = 0; j < first.size(); ++j) {
    const bool fixed = j == 8 || j == 13 || j == 18 || j == 23 || j == 14;
    EXPECT_EQ(varied[j], !fixed) << "position " << j;
  }
}

TEST(NewUuid, AForkedProcessDrawsDifferentIdsFromItsParent) {
  // A per-process generator state copied by fork() (or the same 32-bit seed
  // drawn by two processes) would make two processes issue the same ids.
  (void)NewUuid();  // the parent's generator is in use before the fork
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string id = NewUuid();
    const ssize_t n = write(fds[1], id.data(), id.size());
    _exit(n == static_cast<ssize_t>(id.size()) ? 0 : 1);
  }
  close(fds[1]);
  const std::string parent_id = NewUuid();
  char buf[64] = {};
  const ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_EQ(n, 36);
  EXPECT_NE(std::string(buf, 36), parent_id);
}

}  // namespace
}  // namespace casework
