// Metrics: counters, gauges and histograms with labels, and the registry that serves them in the
// Prometheus text exposition format 0.0.4 (metrics_exposition.h). There is no global registry:
// the server owns one and hands its metrics (references) to the components that count.
//
// Hot paths pay one relaxed atomic add: Counter::Add, Gauge::Add, Histogram::Observe (a bucket
// search over a handful of bounds, two atomic adds). Looking up a labelled child (Family::With)
// takes the family's mutex: keep the child when the labels are fixed, look it up per event only
// where an event costs far more (an API request). Values computed at scrape time (a database
// count, a directory walk) are collected families: a callback the registry calls on the
// scraping thread.
//
// Label values must come from bounded sets (a table of names, an error catalogue), never from
// user input: every distinct value is a series kept for the life of the process.
// Registration problems (a bad or repeated name, a label count that does not match) are
// programming errors and abort with a message.
// Thread-safety: all of it may be used from any thread; references returned stay valid for the
// registry's life.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liverec::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };
std::string_view MetricTypeName(MetricType type);  // "counter" | "gauge" | "histogram"

// Label name and value pairs, in the order they are rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (events, bytes). Reset only by a restart.
class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted in fixed buckets (upper bounds, strictly increasing and finite; +Inf is
// implied), with their sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
  };
  // Buckets are read one by one while others may observe: the count is taken from the buckets,
  // so _count always equals the +Inf bucket; the sum may be a few observations apart.
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

// Bucket bounds for latencies in seconds: 1 ms to 60 s.
std::vector<double> LatencySecondsBuckets();

// One family's samples as the exposition renders them.
struct Sample {
  Labels labels;
  double value = 0;
};

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type,
             std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Appends the sample lines (not HELP/TYPE) in the text format.
  virtual void RenderSamples(std::string& out) const = 0;

 protected:
  Labels LabelsOf(const std::vector<std::string>& values) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

// The children of one metric, one per combination of label values.
template <typename M>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
         std::vector<double> bounds = {})
      : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)),
        bounds_(std::move(bounds)) {}

  // The child with these label values (as many as the family has label names, in their order);
  // made on first use.
  M& With(std::initializer_list<std::string_view> values);
  M& With(const std::vector<std::string>& values);
  void RenderSamples(std::string& out) const override;

 private:
  std::vector<double> bounds_;  // histograms
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

// Computes a collected family's samples at scrape time, on the scraping thread.
using CollectFn = std::function<std::vector<Sample>()>;

class MetricRegistry {
 public:
  MetricRegistry() = default;
  MetricRegistry(const MetricRegistry&) = delete;
  MetricRegistry& operator=(const MetricRegistry&) = delete;

  // Names follow Prometheus conventions: [a-zA-Z_:][a-zA-Z0-9_:]*, the unit in the name
  // (_seconds, _bytes), counters ending in _total.
  Counter& AddCounter(std::string name, std::string help);
  Gauge& AddGauge(std::string name, std::string help);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> bounds);
  Family<Counter>& AddCounterFamily(std::string name, std::string help,
                                    std::vector<std::string> label_names);
  Family<Gauge>& AddGaugeFamily(std::string name, std::string help,
                                std::vector<std::string> label_names);
  Family<Histogram>& AddHistogramFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds);
  // A counter or gauge whose samples `collect` computes at each scrape. It must be thread-safe
  // and quick (cache costly work); scrapes run one at a time.
  void AddCollected(std::string name, std::string help, MetricType type, CollectFn collect);

  // Every family in registration order, in the text exposition format 0.0.4.
  std::string Render() const;

 private:
  template <typename F>
  F& Register(std::unique_ptr<F> family);

  mutable std::mutex mutex_;  // families_, and one scrape at a time
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

}  // namespace liverec::metrics
