// The tallies of an event (v1::Tally) summed by counter, for the tests of
// the services' decisions.
#ifndef CASEWORK_TESTS_TESTING_TALLIES_H_
#define CASEWORK_TESTS_TESTING_TALLIES_H_

#include <cstdint>
#include <map>
#include <string>

namespace casework::testutil {

template <typename Event>
std::map<std::string, int64_t> Tallies(const Event& e) {
  std::map<std::string, int64_t> out;
  for (const auto& t : e.tallies()) out[t.counter()] += t.count();
  return out;
}

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_TALLIES_H_
