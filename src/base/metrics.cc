#include "base/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "base/metrics_exposition.h"

namespace liverec::metrics {
namespace {

// Registration mistakes are programming errors: say what and stop.
[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "metrics: %s\n", what.c_str());
  std::abort();
}

void CheckNames(const std::string& name, const std::vector<std::string>& label_names,
                MetricType type) {
  if (!IsValidMetricName(name)) Fail("invalid metric name '" + name + "'");
  std::set<std::string> seen;
  for (const auto& label : label_names) {
    if (!IsValidLabelName(label)) Fail(name + ": invalid label name '" + label + "'");
    if (type == MetricType::kHistogram && label == "le") Fail(name + ": 'le' is reserved");
    if (!seen.insert(label).second) Fail(name + ": label '" + label + "' repeated");
  }
}

// A family whose samples a callback computes at scrape time.
class CollectedFamily final : public FamilyBase {
 public:
  CollectedFamily(std::string name, std::string help, MetricType type, CollectFn collect)
      : FamilyBase(std::move(name), std::move(help), type, {}), collect_(std::move(collect)) {}

  void RenderSamples(std::string& out) const override {
    for (const auto& sample : collect_()) {
      for (const auto& [label, value] : sample.labels) {
        if (!IsValidLabelName(label)) Fail(name() + ": invalid label name '" + label + "'");
      }
      AppendSample(out, name(), "", sample.labels, FormatValue(sample.value));
    }
  }

 private:
  CollectFn collect_;
};

std::string ValueText(const Counter& counter) { return std::to_string(counter.Value()); }
std::string ValueText(const Gauge& gauge) { return FormatValue(gauge.Value()); }

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      Fail("histogram bounds must be finite and strictly increasing");
    }
  }
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // The first bound >= value: buckets are "less than or equal" (le).
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.cumulative.resize(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative[i] = total;
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> LatencySecondsBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type,
                       std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)) {
  CheckNames(name_, label_names_, type_);
}

Labels FamilyBase::LabelsOf(const std::vector<std::string>& values) const {
  Labels labels;
  labels.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) labels.emplace_back(label_names_[i], values[i]);
  return labels;
}

template <typename M>
M& Family<M>::With(std::initializer_list<std::string_view> values) {
  return With(std::vector<std::string>(values.begin(), values.end()));
}

template <typename M>
M& Family<M>::With(const std::vector<std::string>& values) {
  if (values.size() != label_names().size()) {
    Fail(name() + ": " + std::to_string(values.size()) + " label values for " +
         std::to_string(label_names().size()) + " labels");
  }
  std::lock_guard lock(mutex_);
  auto it = children_.find(values);
  if (it == children_.end()) {
    std::unique_ptr<M> child;
    if constexpr (std::is_same_v<M, Histogram>) {
      child = std::make_unique<Histogram>(bounds_);
    } else {
      child = std::make_unique<M>();
    }
    it = children_.emplace(values, std::move(child)).first;
  }
  return *it->second;
}

template <typename M>
void Family<M>::RenderSamples(std::string& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [values, child] : children_) {
    Labels labels = LabelsOf(values);
    if constexpr (std::is_same_v<M, Histogram>) {
      Histogram::Snapshot snapshot = child->Read();
      for (size_t i = 0; i < bounds_.size(); ++i) {
        AppendSample(out, name(), "_bucket", labels, std::to_string(snapshot.cumulative[i]),
                     FormatValue(bounds_[i]));
      }
      AppendSample(out, name(), "_bucket", labels, std::to_string(snapshot.count()), "+Inf");
      AppendSample(out, name(), "_sum", labels, FormatValue(snapshot.sum));
      AppendSample(out, name(), "_count", labels, std::to_string(snapshot.count()));
    } else {
      AppendSample(out, name(), "", labels, ValueText(*child));
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename F>
F& MetricRegistry::Register(std::unique_ptr<F> family) {
  std::lock_guard lock(mutex_);
  for (const auto& existing : families_) {
    if (existing->name() == family->name())
      Fail("metric '" + family->name() + "' registered twice");
  }
  F& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Counter& MetricRegistry::AddCounter(std::string name, std::string help) {
  return AddCounterFamily(std::move(name), std::move(help), {}).With({});
}

Gauge& MetricRegistry::AddGauge(std::string name, std::string help) {
  return AddGaugeFamily(std::move(name), std::move(help), {}).With({});
}

Histogram& MetricRegistry::AddHistogram(std::string name, std::string help,
                                        std::vector<double> bounds) {
  return AddHistogramFamily(std::move(name), std::move(help), {}, std::move(bounds)).With({});
}

Family<Counter>& MetricRegistry::AddCounterFamily(std::string name, std::string help,
                                                  std::vector<std::string> label_names) {
  return Register(std::make_unique<Family<Counter>>(std::move(name), std::move(help),
                                                    MetricType::kCounter, std::move(label_names)));
}

Family<Gauge>& MetricRegistry::AddGaugeFamily(std::string name, std::string help,
                                              std::vector<std::string> label_names) {
  return Register(std::make_unique<Family<Gauge>>(std::move(name), std::move(help),
                                                  MetricType::kGauge, std::move(label_names)));
}

Family<Histogram>& MetricRegistry::AddHistogramFamily(std::string name, std::string help,
                                                      std::vector<std::string> label_names,
                                                      std::vector<double> bounds) {
  Histogram check(bounds);  // fails here, at registration, on bad bounds
  return Register(std::make_unique<Family<Histogram>>(std::move(name), std::move(help),
                                                      MetricType::kHistogram,
                                                      std::move(label_names), std::move(bounds)));
}

void MetricRegistry::AddCollected(std::string name, std::string help, MetricType type,
                                  CollectFn collect) {
  if (type == MetricType::kHistogram) Fail(name + ": collected families are counters or gauges");
  Register(std::make_unique<CollectedFamily>(std::move(name), std::move(help), type,
                                             std::move(collect)));
}

std::string MetricRegistry::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& family : families_) {
    AppendHeader(out, family->name(), family->help(), family->type());
    family->RenderSamples(out);
  }
  return out;
}

}  // namespace liverec::metrics
