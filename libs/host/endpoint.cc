#include "libs/host/endpoint.h"

#include <google/protobuf/message.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace casework::host {

absl::StatusOr<int64_t> ExpectedVersion(const grpc::ServerContext& ctx) {
  auto it = ctx.client_metadata().find("casework-expected-version");
  if (it == ctx.client_metadata().end()) return int64_t{0};
  const std::string text(it->second.data(), it->second.size());
  int64_t version = 0;
  if (!absl::SimpleAtoi(text, &version) || version < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("casework-expected-version: '", text,
                     "' is not a version (a number from 1)"));
  }
  return version;
}

grpc::Status ListCases(
    const EndpointCore& core, grpc::ServerContext* ctx, const ListQuery& query,
    const std::function<absl::StatusOr<audit::Read>(const std::string& key)>&
        add,
    std::string* next_page_token, google::protobuf::Message* response) {
  const std::string method = core.Method(query.rpc);
  absl::StatusOr<auth::Principal> who =
      core.authorizer.Authorize(*ctx, method, query.officer_id);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<Listing> listing =
      CheckListing(query.child_id, query.officer_id, query.page_size,
                   query.page_token, query.child_key, query.officer_key);
  if (!listing.ok()) return ToGrpcStatus(listing.status());
  const std::string& prefix = listing->prefix;
  const size_t page_size = listing->page_size;
  auto entries = core.store.ScanIndex(prefix, listing->after, page_size + 1);
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  std::vector<audit::Read> reads;
  for (size_t i = 0; i < entries->size() && i < page_size; ++i) {
    absl::StatusOr<audit::Read> read =
        add((*entries)[i].first.substr(prefix.size()));
    if (!read.ok()) {
      response->Clear();
      return ToGrpcStatus(read.status());
    }
    reads.push_back(std::move(*read));
  }
  if (entries->size() > page_size) {
    *next_page_token = EncodePageToken((*entries)[page_size - 1].first);
  }
  absl::Status audited = core.audit.Record(*who, method, reads);
  if (!audited.ok()) {
    response->Clear();
    return ToGrpcStatus(audited);
  }
  return grpc::Status::OK;
}

}  // namespace casework::host
