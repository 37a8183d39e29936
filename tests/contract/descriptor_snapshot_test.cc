// The v1 contract does not break: every field, enum value and RPC in the
// snapshot of the last released proto/ (proto/snapshot/casework_v1.txt) must
// still exist with the same number and type. Additions are free; removing,
// renumbering or retyping anything fails here (a breaking change is a new v2
// published alongside). Reserved numbers and names are checked too.
//
// To record a release: CASEWORK_WRITE_SNAPSHOT=1
// build/bin/contract_snapshot_test
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "casework/v1/admin.pb.h"
#include "casework/v1/annual_review.pb.h"
#include "casework/v1/audit.pb.h"
#include "casework/v1/common.pb.h"
#include "casework/v1/complaints.pb.h"
#include "casework/v1/directory.pb.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "casework/v1/people.pb.h"
#include "casework/v1/projection.pb.h"
#include "casework/v1/returns.pb.h"
#include "casework/v1/transport.pb.h"

namespace casework {
namespace {

namespace pb = google::protobuf;

void Message(const pb::Descriptor* m, std::set<std::string>* out) {
  for (int i = 0; i < m->field_count(); ++i) {
    const pb::FieldDescriptor* f = m->field(i);
    std::string type = f->type_name();
    if (f->message_type() != nullptr) type = f->message_type()->full_name();
    if (f->enum_type() != nullptr) type = f->enum_type()->full_name();
    out->insert(absl::StrCat("field ", m->full_name(), ".", f->name(), " = ",
                             f->number(), " ",
                             f->is_repeated() ? "repeated " : "", type));
  }
  for (int i = 0; i < m->reserved_range_count(); ++i) {
    for (int n = m->reserved_range(i)->start; n < m->reserved_range(i)->end;
         ++n) {
      out->insert(absl::StrCat("reserved ", m->full_name(), " ", n));
    }
  }
  for (int i = 0; i < m->nested_type_count(); ++i)
    Message(m->nested_type(i), out);
}

// Referencing one message of each file links its descriptor into the test
// (a file of the contract missing here fails the lookup below: add it).
const pb::FileDescriptor* const kFiles[] = {
    v1::Date::descriptor()->file(),
    v1::EhcAssessmentEvent::descriptor()->file(),
    v1::AnnualReviewEvent::descriptor()->file(),
    v1::TransportEvent::descriptor()->file(),
    v1::ComplaintsEvent::descriptor()->file(),
    v1::DirectoryRecord::descriptor()->file(),
    v1::Timeline::descriptor()->file(),
    v1::AuditEntry::descriptor()->file(),
    v1::RepublishRequest::descriptor()->file(),
    v1::PersonRecord::descriptor()->file(),
    v1::Sen2Export::descriptor()->file(),
};

std::set<std::string> Contract() {
  std::set<std::string> out;
  EXPECT_EQ(std::size(kFiles), 11u);
  const std::filesystem::path dir =
      std::filesystem::path(CASEWORK_SOURCE_DIR) / "proto/casework/v1";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".proto") continue;
    const pb::FileDescriptor* file =
        pb::DescriptorPool::generated_pool()->FindFileByName(
            "casework/v1/" + entry.path().filename().string());
    EXPECT_NE(file, nullptr) << entry.path();
    if (file == nullptr) continue;
    for (int i = 0; i < file->message_type_count(); ++i)
      Message(file->message_type(i), &out);
    for (int i = 0; i < file->enum_type_count(); ++i) {
      const pb::EnumDescriptor* e = file->enum_type(i);
      for (int v = 0; v < e->value_count(); ++v) {
        out.insert(absl::StrCat("enum ", e->full_name(), ".",
                                e->value(v)->name(), " = ",
                                e->value(v)->number()));
      }
    }
    for (int i = 0; i < file->service_count(); ++i) {
      const pb::ServiceDescriptor* s = file->service(i);
      for (int m = 0; m < s->method_count(); ++m) {
        out.insert(absl::StrCat("rpc ", s->full_name(), ".",
                                s->method(m)->name(), "(",
                                s->method(m)->input_type()->full_name(), ") ",
                                s->method(m)->output_type()->full_name()));
      }
    }
  }
  return out;
}

TEST(ContractSnapshotTest, NothingInTheReleasedContractIsRemovedOrChanged) {
  const std::filesystem::path snapshot =
      std::filesystem::path(CASEWORK_SOURCE_DIR) /
      "proto/snapshot/casework_v1.txt";
  const std::set<std::string> now = Contract();
  ASSERT_GT(now.size(), 200u);
  if (std::getenv("CASEWORK_WRITE_SNAPSHOT") != nullptr) {
    std::ofstream out(snapshot);
    out << "# The released casework.v1 contract (tests/contract). Generated; "
           "do "
           "not edit.\n";
    for (const std::string& line : now) out << line << "\n";
    GTEST_SKIP() << "snapshot written to " << snapshot;
  }
  std::ifstream in(snapshot);
  ASSERT_TRUE(in) << "no snapshot at " << snapshot;
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++checked;
    EXPECT_TRUE(now.contains(line))
        << "the released contract had: " << line
        << "\n(removing, renumbering or retyping is a breaking change: add a "
           "field, or publish v2)";
  }
  EXPECT_GT(checked, 200);
}

}  // namespace
}  // namespace casework
