// The Prometheus text exposition format, version 0.0.4: the pieces MetricRegistry::Render puts
// together. Per family:
//   # HELP <name> <help, with \ and newline escaped>
//   # TYPE <name> counter|gauge|histogram
//   <name>[{label="value",...}] <value>
// Label values escape \, " and newline; values are Go-style floats (+Inf, -Inf, NaN).
// Histograms render <name>_bucket{...,le="<bound>"} cumulatively up to le="+Inf", then
// <name>_sum and <name>_count.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/metrics.h"

namespace liverec::metrics {

inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string EscapeHelp(std::string_view help);
std::string EscapeLabelValue(std::string_view value);
// Shortest text that reads back as the same double; integers without a fraction.
std::string FormatValue(double value);

// Appends "<name><suffix>{labels[,le="<le>"]} <value>\n"; no braces when there are no labels.
void AppendSample(std::string& out, std::string_view name, std::string_view suffix,
                  const Labels& labels, std::string_view value, std::string_view le = {});

// Appends the # HELP and # TYPE lines of a family.
void AppendHeader(std::string& out, std::string_view name, std::string_view help, MetricType type);

// Metric and label name rules.
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace liverec::metrics
