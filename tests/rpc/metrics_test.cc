#include "libs/metrics/metrics.h"

#include <gtest/gtest.h>

namespace casework::metrics {
namespace {

TEST(MetricsTest, CountersAndGaugesRenderWithHelpTypeAndEscapedLabels) {
  Registry r;
  r.Describe("x_requests_total", Type::kCounter, "Requests\nby method");
  r.Add("x_requests_total", {{"method", "a\"b\\c\nd"}, {"code", "OK"}});
  r.Add("x_requests_total", {{"method", "a\"b\\c\nd"}, {"code", "OK"}}, 2);
  r.Set("x_queue", {}, 7);
  EXPECT_EQ(r.Render(),
            "# HELP x_queue x_queue\n# TYPE x_queue gauge\nx_queue 7\n"
            "# HELP x_requests_total Requests\\nby method\n"
            "# TYPE x_requests_total counter\n"
            "x_requests_total{method=\"a\\\"b\\\\c\\nd\",code=\"OK\"} 3\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  r.Describe("x_seconds", Type::kHistogram, "Latency", {0.1, 1});
  r.Observe("x_seconds", {{"m", "a"}}, 0.05);
  r.Observe("x_seconds", {{"m", "a"}}, 0.1);  // on a bound: that bucket
  r.Observe("x_seconds", {{"m", "a"}}, 0.5);
  r.Observe("x_seconds", {{"m", "a"}}, 3);
  EXPECT_EQ(r.Render(),
            "# HELP x_seconds Latency\n# TYPE x_seconds histogram\n"
            "x_seconds_bucket{m=\"a\",le=\"0.1\"} 2\n"
            "x_seconds_bucket{m=\"a\",le=\"1\"} 3\n"
            "x_seconds_bucket{m=\"a\",le=\"+Inf\"} 4\n"
            "x_seconds_sum{m=\"a\"} 3.65\n"
            "x_seconds_count{m=\"a\"} 4\n");
}

TEST(MetricsTest, CollectorsReportAtEachScrapeUntilRemoved) {
  Registry r;
  int calls = 0;
  {
    CollectorHandle h(r, [&calls](Scrape& s) {
      ++calls;
      s.Gauge("x_lag", "Lag", {{"partition", "0"}}, 5);
    });
    EXPECT_EQ(
        r.Render(),
        "# HELP x_lag Lag\n# TYPE x_lag gauge\nx_lag{partition=\"0\"} 5\n");
  }
  EXPECT_EQ(r.Render(), "");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace casework::metrics
