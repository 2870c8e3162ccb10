#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tannha::bot {

/// Label pairs of one series, e.g. {{"result", "processed"}}.
using metric_labels = std::vector<std::pair<std::string, std::string>>;

/// A small thread-safe metrics registry rendered in the Prometheus text format (0.0.4).
/// Names get the `tannha_` prefix when rendered.
class metrics {
 public:
  /// Registers the standard families (updates_total, http_requests_total, outbox_*,
  /// commands_total, send_seconds, webhook_seconds) with their help text.
  metrics();

  /// Adds `by` to a counter series (created at 0 on first use).
  void inc(std::string_view name, const metric_labels& labels = {}, double by = 1.0);
  /// Records one observation (seconds) in a histogram.
  void observe(std::string_view name, double value, const metric_labels& labels = {});
  /// A gauge read at render time from `read` (e.g. pending outbox rows). Replaces any previous.
  void gauge_callback(std::string_view name, std::string help, std::function<double()> read);
  /// Sets help text and type ("counter" | "histogram" | "gauge") for a family.
  void describe(std::string_view name, std::string type, std::string help);

  /// Current value of a counter series (0 when absent); for tests and the CLI.
  double counter_value(std::string_view name, const metric_labels& labels = {}) const;
  /// Number of observations in a histogram series (0 when absent).
  std::uint64_t histogram_count(std::string_view name, const metric_labels& labels = {}) const;

  /// Everything in the Prometheus text exposition format.
  std::string render() const;

 private:
  struct histogram_data {
    std::vector<std::uint64_t> buckets;  // cumulative counts are computed at render
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct family {
    std::string type = "counter";
    std::string help;
    std::map<std::string, double> values;               // label text → value
    std::map<std::string, histogram_data> histograms;   // label text → data
  };
  struct gauge {
    std::string help;
    std::function<double()> read;
  };

  static std::string label_text(const metric_labels& labels);

  mutable std::mutex m_;
  std::map<std::string, family, std::less<>> families_;
  std::map<std::string, gauge, std::less<>> gauges_;
};

/// Histogram bucket bounds (seconds) shared by every histogram.
const std::vector<double>& metric_buckets();

}  // namespace tannha::bot
