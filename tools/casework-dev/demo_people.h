// Made-up people and plan contents for the demo LA: the person details the
// back office would publish on casework.people.v1 (names from short lists,
// valid UPNs with their check letters, UN1 for the under-6s without one), and
// what each demo plan names (a school by URN, sometimes a second setting or a
// setting code, one or two needs, now and then a residential placement or a
// personal budget). Deterministic for a given child and seed. No real person.
#ifndef CASEWORK_TOOLS_CASEWORK_DEV_DEMO_PEOPLE_H_
#define CASEWORK_TOOLS_CASEWORK_DEV_DEMO_PEOPLE_H_

#include <random>
#include <string>
#include <vector>

#include "casework/v1/common.pb.h"
#include "casework/v1/people.pb.h"
#include "casework/v1/school_events.pb.h"
#include "libs/core/date.h"

namespace casework::demo {

// A child's made-up date of birth, aged `min_years` (and 10 days) to
// `max_years` on `today`.
Date DemoBirthDate(const std::string& child_id, Date today, uint64_t seed,
                   int min_years = 2, int max_years = 18);
// A child's person record (made up), born on `dob`.
v1::PersonRecord DemoPerson(const std::string& child_id, Date dob, Date today,
                            uint64_t seed);
// What a demo plan names.
v1::PlanContents DemoPlanContents(std::mt19937_64& rng, int age);
// National curriculum year on `on` for a child born on `dob` (Year R: aged 4
// on the 31 August before).
int DemoNcYear(Date dob, Date on);
// Three to five outcomes (Section E) for a plan issued on `issued` to a child
// of `age`: education always, health and social care sometimes, and from 13
// one or two preparing-for-adulthood outcomes; targets one to two years on.
// Drawn from their own generator (`seed`), so adding them changes nothing
// else of the demo.
void AddDemoOutcomes(v1::PlanContents* contents, uint64_t seed, int age,
                     Date issued);

// A child's made-up school events as the back office would publish them on
// casework.school-events.v1: attendance for each census term over before
// `today` since the start of the last academic year (about a third
// persistently absent, as for pupils with a plan nationally), suspensions
// this academic year for about one child in eight (some twice or more in a
// term), and now and then a permanent exclusion. Record ids
// "se-<child>-<n>"; deterministic for a given child, day and seed.
std::vector<v1::SchoolEventRecord> DemoSchoolEvents(const std::string& child_id,
                                                    Date today, uint64_t seed);

}  // namespace casework::demo

#endif  // CASEWORK_TOOLS_CASEWORK_DEV_DEMO_PEOPLE_H_
