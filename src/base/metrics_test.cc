#include "base/metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/metrics_exposition.h"

namespace liverec::metrics {
namespace {

TEST(MetricRegistryTest, RendersEveryKindInRegistrationOrderAsGoldenText) {
  MetricRegistry registry;
  Counter& bytes = registry.AddCounter("test_received_bytes_total", "Bytes received.");
  auto& requests = registry.AddCounterFamily("test_requests_total", "Requests by action and code.",
                                             {"action", "code"});
  Gauge& live = registry.AddGauge("test_streams_live", "Streams publishing now.");
  Histogram& latency = registry.AddHistogram("test_latency_seconds", "Latency.", {0.25, 1, 2.5});
  registry.AddCollected("test_tasks", "Tasks by status.", MetricType::kGauge, [] {
    return std::vector<Sample>{{{{"status", "-1"}}, 2}, {{{"status", "0"}}, 0}};
  });

  bytes.Add(1500);
  bytes.Add(500);
  requests.With({"B", "OK"}).Add();
  requests.With({"A", "InvalidParameter"}).Add(3);
  requests.With({"B", "OK"}).Add();
  live.Set(3);
  live.Add(-1);
  latency.Observe(0.125);
  latency.Observe(0.25);  // le is inclusive
  latency.Observe(2);
  latency.Observe(7.25);

  EXPECT_EQ(registry.Render(),
            "# HELP test_received_bytes_total Bytes received.\n"
            "# TYPE test_received_bytes_total counter\n"
            "test_received_bytes_total 2000\n"
            "# HELP test_requests_total Requests by action and code.\n"
            "# TYPE test_requests_total counter\n"
            "test_requests_total{action=\"A\",code=\"InvalidParameter\"} 3\n"
            "test_requests_total{action=\"B\",code=\"OK\"} 2\n"
            "# HELP test_streams_live Streams publishing now.\n"
            "# TYPE test_streams_live gauge\n"
            "test_streams_live 2\n"
            "# HELP test_latency_seconds Latency.\n"
            "# TYPE test_latency_seconds histogram\n"
            "test_latency_seconds_bucket{le=\"0.25\"} 2\n"
            "test_latency_seconds_bucket{le=\"1\"} 2\n"
            "test_latency_seconds_bucket{le=\"2.5\"} 3\n"
            "test_latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "test_latency_seconds_sum 9.625\n"
            "test_latency_seconds_count 4\n"
            "# HELP test_tasks Tasks by status.\n"
            "# TYPE test_tasks gauge\n"
            "test_tasks{status=\"-1\"} 2\n"
            "test_tasks{status=\"0\"} 0\n");
}

TEST(MetricRegistryTest, LabelledHistogramPutsLeLastAfterItsLabels) {
  MetricRegistry registry;
  auto& family = registry.AddHistogramFamily("test_seconds", "h", {"action"}, {1});
  family.With({"Describe"}).Observe(0.5);
  EXPECT_EQ(registry.Render(),
            "# HELP test_seconds h\n"
            "# TYPE test_seconds histogram\n"
            "test_seconds_bucket{action=\"Describe\",le=\"1\"} 1\n"
            "test_seconds_bucket{action=\"Describe\",le=\"+Inf\"} 1\n"
            "test_seconds_sum{action=\"Describe\"} 0.5\n"
            "test_seconds_count{action=\"Describe\"} 1\n");
}

TEST(MetricRegistryTest, FamilyWithoutChildrenRendersOnlyItsHeader) {
  MetricRegistry registry;
  registry.AddCounterFamily("test_total", "None yet.", {"code"});
  EXPECT_EQ(registry.Render(), "# HELP test_total None yet.\n# TYPE test_total counter\n");
}

TEST(MetricRegistryTest, CollectedFamilyIsComputedAtEachScrape) {
  MetricRegistry registry;
  int calls = 0;
  registry.AddCollected("test_calls", "c", MetricType::kGauge, [&calls] {
    ++calls;
    return std::vector<Sample>{{{}, static_cast<double>(calls)}};
  });
  EXPECT_NE(registry.Render().find("test_calls 1\n"), std::string::npos);
  EXPECT_NE(registry.Render().find("test_calls 2\n"), std::string::npos);
}

TEST(MetricRegistryTest, WithReturnsTheSameChildForTheSameLabels) {
  MetricRegistry registry;
  auto& family = registry.AddCounterFamily("test_total", "t", {"a"});
  EXPECT_EQ(&family.With({"x"}), &family.With({"x"}));
  EXPECT_NE(&family.With({"x"}), &family.With({"y"}));
}

TEST(MetricRegistryTest, ConcurrentAddsAndObservationsAreAllCounted) {
  MetricRegistry registry;
  Counter& counter = registry.AddCounter("test_total", "t");
  auto& family = registry.AddCounterFamily("test_labelled_total", "t", {"k"});
  Histogram& histogram = registry.AddHistogram("test_seconds", "t", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        counter.Add();
        family.With({t % 2 ? "odd" : "even"}).Add();
        histogram.Observe(i % 2 ? 1.0 : 0.25);
      }
    });
  }
  std::thread scraper([&] {
    for (int i = 0; i < 50; ++i) (void)registry.Render();
  });
  for (auto& thread : threads) thread.join();
  scraper.join();
  EXPECT_EQ(counter.Value(), 40000u);
  EXPECT_EQ(family.With({"odd"}).Value(), 20000u);
  EXPECT_EQ(family.With({"even"}).Value(), 20000u);
  auto snapshot = histogram.Read();
  EXPECT_EQ(snapshot.cumulative[0], 20000u);
  EXPECT_EQ(snapshot.count(), 40000u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 20000 * 1.0 + 20000 * 0.25);
}

TEST(MetricExpositionTest, HelpEscapesBackslashAndNewlineOnly) {
  EXPECT_EQ(EscapeHelp("a \\ b\nc \"q\""), "a \\\\ b\\nc \"q\"");
}

TEST(MetricExpositionTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  MetricRegistry registry;
  registry.AddCollected("test_info", "i", MetricType::kGauge, [] {
    return std::vector<Sample>{{{{"path", "C:\\dir\n\"x\""}}, 1}};
  });
  EXPECT_NE(registry.Render().find("test_info{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1\n"),
            std::string::npos)
      << registry.Render();
}

TEST(MetricExpositionTest, ValuesAreGoStyleFloats) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(1.5e300), "1.5e+300");
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatValue(1'700'000'000.0), "1700000000");
}

TEST(MetricExpositionTest, NameRulesFollowPrometheus) {
  EXPECT_TRUE(IsValidMetricName("liverec_api_requests_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("action"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(MetricRegistryDeathTest, RegisteringANameTwiceAborts) {
  MetricRegistry registry;
  registry.AddCounter("test_total", "t");
  EXPECT_DEATH(registry.AddGauge("test_total", "t"), "registered twice");
}

TEST(MetricRegistryDeathTest, WrongNumberOfLabelValuesAborts) {
  MetricRegistry registry;
  auto& family = registry.AddCounterFamily("test_total", "t", {"a", "b"});
  EXPECT_DEATH(family.With({"x"}), "1 label values for 2 labels");
}

TEST(MetricRegistryDeathTest, UnsortedHistogramBoundsAbort) {
  MetricRegistry registry;
  EXPECT_DEATH(registry.AddHistogram("test_seconds", "t", {1, 0.5}), "strictly increasing");
}

}  // namespace
}  // namespace liverec::metrics
