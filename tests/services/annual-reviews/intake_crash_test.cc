// The plan intake killed mid-batch and restarted: every final plan on the EHC
// topic opens exactly one review cycle, none is lost and none opened twice.
//
// The EHC topic (400 assessments over three partitions, every third ending
// in a final plan, the rest other events) is read through the consumer
// runtime by child processes killed with SIGKILL inside a batch: after some
// of its plans were recorded but before the offsets were saved, or just
// after they were saved; some runs also meet a record that breaks the topic's
// contract (dead-lettered before its offset passes). A last run finishes;
// then the reviews service's own log must hold each plan once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/rpc/proto_date.h"
#include "services/annual-reviews/plan_intake.h"
#include "services/annual-reviews/review.h"
#include "tests/testing/domain_record.h"
#include "tests/testing/fake_source.h"
#include "tests/testing/temp_dir.h"

namespace casework::reviews {
namespace {

constexpr int kAssessments = 400;

struct Topic {
  std::shared_ptr<testutil::FakeSource::State> state;
  int final_plans = 0;
};

Topic EhcTopic() {
  Topic t;
  t.state = std::make_shared<testutil::FakeSource::State>();
  for (int32_t p = 0; p < 3; ++p) t.state->logs[{kEhcTopic, p}];
  for (int n = 1; n <= kAssessments; ++n) {
    const int32_t partition = n % 3;
    auto& log = t.state->logs[{kEhcTopic, partition}];
    const bool final = n % 3 == 0;
    v1::EhcAssessmentEvent e;
    v1::EventMetadata* m = e.mutable_metadata();
    m->set_event_id(absl::StrCat("ev-", n));
    m->set_stream_id(absl::StrCat("asmt-", n));
    m->set_version(final ? 6 : 1);
    m->set_child_id(absl::StrCat("child-", n));
    m->set_officer_id("officer-a");
    m->set_source("ehc-assessments");
    *m->mutable_occurred_on() = ToProto(Date::Ymd(2026, 5, 18));
    if (final) {
      *e.mutable_final_plan_issued()->mutable_issued_on() =
          ToProto(Date::Ymd(2026, 5, 18));
      ++t.final_plans;
    } else {
      *e.mutable_request_recorded()->mutable_received_on() =
          ToProto(Date::Ymd(2026, 1, 5));
    }
    kafka::Message msg = testutil::DomainRecord(e);
    msg.partition = partition;
    msg.offset = static_cast<int64_t>(log.size());
    log.push_back(std::move(msg));
    if (n == 200) {
      // A record that is not an event of this topic.
      kafka::Message junk = log.back();
      junk.offset = static_cast<int64_t>(log.size());
      for (kafka::Header& h : junk.headers) {
        if (h.key == "ce_source") h.value = "/somewhere/else";
      }
      log.push_back(std::move(junk));
    }
  }
  return t;
}

// The intake's sink, killed at a chosen batch: after half its records were
// handled (offsets not saved), or after the whole batch was saved.
class KillingSink final : public kafka::RecordSink {
 public:
  KillingSink(PlanIntakeSink& inner, int batch, bool after_save)
      : inner_(inner), batch_(batch), after_save_(after_save) {}
  absl::StatusOr<kafka::OffsetMap> StoredOffsets(
      const std::vector<kafka::TopicPartition>& p) override {
    return inner_.StoredOffsets(p);
  }
  absl::Status Check(const kafka::Message& record) override {
    return inner_.Check(record);
  }
  absl::Status Apply(const std::vector<kafka::Message>& records,
                     const kafka::OffsetMap& next) override {
    if (++seen_ == batch_ && !after_save_) {
      std::vector<kafka::Message> half(records.begin(),
                                       records.begin() + records.size() / 2);
      (void)inner_.Apply(half, {});
      raise(SIGKILL);
    }
    absl::Status s = inner_.Apply(records, next);
    if (seen_ == batch_) raise(SIGKILL);
    return s;
  }

 private:
  PlanIntakeSink& inner_;
  const int batch_;
  const bool after_save_;
  int seen_ = 0;
};

class NoDeadLetters final : public kafka::DeadLetterSink {
 public:
  absl::Status Send(const std::string&,
                    const std::vector<kafka::Message>&) override {
    return absl::OkStatus();
  }
};

struct Service {
  explicit Service(const std::string& dir)
      : clock(Date::Ymd(2026, 11, 23)),
        authorizer(nullptr, clock),
        audit(std::move(*audit::AuditLog::Open(dir + "/audit", clock))),
        store(std::move(*RocksEventStore::Open(dir + "/reviews"))),
        service(*store, clock, calendar, authorizer, *audit) {}
  FakeClock clock;
  Calendar calendar;
  auth::Authorizer authorizer;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<EventStore> store;
  AnnualReviewServiceImpl service;
};

// Reads the topic until every record is handled (or the sink kills us).
void RunIntake(const std::string& dir, const Topic& topic, int kill_batch,
               bool after_save) {
  Service s(dir);
  PlanIntakeSink intake(s.service, *s.store);
  KillingSink sink(intake, kill_batch, after_save);
  NoDeadLetters letters;
  int64_t total = 0;
  for (const auto& [tp, log] : topic.state->logs) {
    total += static_cast<int64_t>(log.size());
  }
  kafka::ConsumerRuntime runtime(
      kafka::RuntimeOptions{.name = "plan-intake",
                            .topics = {kEhcTopic},
                            .max_batch = 40,
                            .backoff = absl::Milliseconds(1),
                            .poll_wait = absl::Milliseconds(1),
                            .serving_lag = 0},
      std::make_unique<testutil::FakeSource>(topic.state), sink, &letters);
  runtime.WaitUntil(
      [&](const kafka::RuntimeStatus& st) {
        int64_t next = 0;
        for (const auto& [tp, p] : st.partitions) next += p.next;
        return next == total;
      },
      absl::Seconds(60));
}

TEST(IntakeCrashTest, KilledMidBatchEveryFinalPlanOpensOneReview) {
  testutil::TempDir dir;
  const Topic topic = EhcTopic();
  struct Kill {
    int batch;
    bool after_save;
  };
  for (const Kill& k : std::vector<Kill>{
           {2, false}, {3, true}, {1, false}, {4, false}, {2, true}}) {
    // Each run gets a fresh copy of the topic's read positions.
    Topic copy{std::make_shared<testutil::FakeSource::State>(),
               topic.final_plans};
    copy.state->logs = topic.state->logs;
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      RunIntake(dir.path(), copy, k.batch, k.after_save);
      _exit(5);  // the topic ran out before the kill
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "batch " << k.batch << ": exited with "
        << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  // The run that finishes.
  {
    Topic copy{std::make_shared<testutil::FakeSource::State>(),
               topic.final_plans};
    copy.state->logs = topic.state->logs;
    RunIntake(dir.path(), copy, /*kill_batch=*/-1, false);
  }
  Service s(dir.path());
  auto events = s.store->ReadAfter(0, 1000000);
  ASSERT_TRUE(events.ok()) << events.status();
  std::map<std::string, int> versions_of;
  for (const StoredEvent& e : *events) {
    EXPECT_EQ(e.version, ++versions_of[e.stream_id])
        << "stream " << e.stream_id << " written twice";
  }
  int plans = 0;
  for (int n = 3; n <= kAssessments; n += 3) {
    const std::string plan = PlanIdForAssessment(absl::StrCat("asmt-", n));
    EXPECT_TRUE(versions_of.contains(plan)) << plan << " never opened";
    plans += versions_of.contains(plan);
  }
  EXPECT_EQ(plans, topic.final_plans);
  EXPECT_EQ(static_cast<int>(versions_of.size()), topic.final_plans);
  // Every version of a plan stream comes from its one registration.
  auto one = s.store->ReadStream(PlanIdForAssessment("asmt-3"));
  ASSERT_TRUE(one.ok());
  for (const auto& [stream, versions] : versions_of) {
    EXPECT_EQ(versions, static_cast<int>(one->size())) << stream;
  }
}

}  // namespace
}  // namespace casework::reviews
