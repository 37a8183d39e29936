// statutory-returns: keeps what the SEN2 return is made of from the domain
// topics and casework.people.v1, and produces the return and its checks
// (libs/host/consumer_service.h does the hosting).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/host/consumer_service.h"
#include "libs/host/domain_service.h"
#include "libs/statutory/plan_contents.h"
#include "services/statutory-returns/returns_service.h"
#include "services/statutory-returns/store.h"

namespace {

using namespace casework;

class Parts final : public host::ConsumerParts {
 public:
  Parts(std::unique_ptr<returns::ReturnsStore> store, const Clock& clock,
        returns::ReturnsConfig config)
      : store_(std::move(store)),
        sink_(*store_),
        clock_(clock),
        config_(std::move(config)) {}
  kafka::RecordSink& sink() override { return sink_; }
  std::vector<grpc::Service*> Serve(const auth::Authorizer& authorizer,
                                    audit::AuditLog& audit) override {
    service_ = std::make_unique<returns::ReturnsServiceImpl>(
        *store_, clock_, authorizer, audit, config_);
    return {service_.get()};
  }
  void Gauges(metrics::Scrape& s) override {
    host::AddRocksGauges(s, "statutory-returns", store_->DbFigures());
  }
  ~Parts() override {
    service_.reset();
    store_.reset();
  }

 private:
  std::unique_ptr<returns::ReturnsStore> store_;
  returns::ReturnsSink sink_;
  const Clock& clock_;
  const returns::ReturnsConfig config_;
  std::unique_ptr<returns::ReturnsServiceImpl> service_;
};

absl::StatusOr<std::unique_ptr<host::ConsumerParts>> Open(
    const ServiceConfig& config) {
  returns::ReturnsConfig rc;
  if (auto it = config.extras.find("la-number"); it != config.extras.end()) {
    absl::Status ok = statutory::CheckLaNumber(it->second, "--la-number");
    if (!ok.ok() || it->second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--la-number: '", it->second, "' is not a 3-digit LA number"));
    }
    rc.lea = it->second;
  }
  if (auto it = config.extras.find("sen2-officers");
      it != config.extras.end()) {
    std::vector<std::string> v = absl::StrSplit(it->second, ',');
    auto code = [](const std::string& c) {
      return c == "Y" || c == "N" || c == "R";
    };
    if (v.size() != 3 || !code(v[0]) || !code(v[1]) || !code(v[2])) {
      return absl::InvalidArgumentError(
          absl::StrCat("--sen2-officers: '", it->second,
                       "' is not DMO,DCO,DSCO, each Y, N or R (e.g. Y,Y,N)"));
    }
    rc.dmo = v[0];
    rc.dco = v[1];
    rc.dsco = v[2];
  }
  if (config.rebuild) {
    absl::Status destroyed = returns::ReturnsStore::Destroy(config.data_dir);
    if (!destroyed.ok()) return destroyed;
  }
  absl::StatusOr<std::unique_ptr<returns::ReturnsStore>> store =
      returns::ReturnsStore::Open(config.data_dir);
  if (!store.ok()) return store.status();
  return std::make_unique<Parts>(std::move(*store), BusinessClock(config),
                                 std::move(rc));
}

}  // namespace

int main(int argc, char** argv) {
  return host::RunConsumerService(
      argc, argv,
      {.name = "statutory-returns",
       .flags = {{"la-number", "CASEWORK_LA_NUMBER"},
                 {"sen2-officers", "CASEWORK_SEN2_OFFICERS"}},
       .topics = returns::ReturnsTopics(),
       .open = Open});
}
