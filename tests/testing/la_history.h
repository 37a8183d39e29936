// A deterministic event history of a local authority's SEND service, as the
// relays publish it (envelope header, CloudEvents type, key = child, one of
// three partitions per child): one team of officers on the directory topic,
// then per child an EHC needs assessment with advice, draft and final plan,
// annual review cycles since the plan, and for one child in two a travel
// application. Some assessments change officer part-way (the rest of the
// child's events follow the new officer) and some final plans carry a
// recorded exception. Used by the projection benchmark and the crash test.
#ifndef CASEWORK_TESTS_TESTING_LA_HISTORY_H_
#define CASEWORK_TESTS_TESTING_LA_HISTORY_H_

#include <string>
#include <vector>

#include "libs/core/date.h"
#include "libs/kafka/kafka.h"

namespace casework::testutil {

struct LaHistoryOptions {
  // kPublished: every record in the order of its event's day, as the
  // services publish them and a rebuild reads each partition (a stream's
  // events keep their order). kByChild: one child's whole history after
  // another (six years each), the hardest order for the per-month counters.
  enum Order { kPublished, kByChild };
  Order order = kPublished;
  int children = 15000;
  int officers = 25;  // officer-01 ... in team-1
  Date today = Date::Ymd(2026, 11, 23);
  uint64_t seed = 20261123;
};

// Directory records first, then the children's events in `order`.
std::vector<kafka::Message> LaHistory(const LaHistoryOptions& options);

// "officer-NN".
std::string LaOfficer(int n);

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_LA_HISTORY_H_
