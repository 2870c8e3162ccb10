#include "bot/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace tannha::bot {

namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<long long>(v));
  } else {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    out += buf;
  }
}

void escape_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

void escape_help(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

// Series line: name{labels,extra} value
void append_series(std::string& out, std::string_view name, std::string_view labels, std::string_view extra,
                   double value) {
  out += name;
  if (!labels.empty() || !extra.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra.empty()) out += ',';
    out += extra;
    out += '}';
  }
  out += ' ';
  append_number(out, value);
  out += '\n';
}

constexpr std::string_view prefix = "tannha_";

}  // namespace

const std::vector<double>& metric_buckets() {
  static const std::vector<double> b{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return b;
}

metrics::metrics() {
  describe("updates_total", "counter", "Webhook updates by result.");
  describe("http_requests_total", "counter", "HTTP requests answered, by status code.");
  describe("webhook_batches_total", "counter",
           "Webhook dispatches: each is one transaction for the updates that arrived together.");
  describe("outbox_sent_total", "counter", "Outbox messages delivered to the platform.");
  describe("outbox_failed_total", "counter", "Failed outbox send attempts, by kind (retry|dead).");
  describe("commands_total", "counter", "Commands handled, by name.");
  describe("send_seconds", "histogram", "Time of one sendMessage call.");
  describe("webhook_seconds", "histogram", "Time to answer one webhook request.");
}

std::string metrics::label_text(const metric_labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    escape_label_value(out, v);
    out += '"';
  }
  return out;
}

void metrics::describe(std::string_view name, std::string type, std::string help) {
  std::lock_guard lock(m_);
  auto it = families_.find(name);
  if (it == families_.end()) it = families_.emplace(std::string(name), family{}).first;
  it->second.type = std::move(type);
  it->second.help = std::move(help);
}

void metrics::inc(std::string_view name, const metric_labels& labels, double by) {
  auto key = label_text(labels);
  std::lock_guard lock(m_);
  auto it = families_.find(name);
  if (it == families_.end()) it = families_.emplace(std::string(name), family{}).first;
  it->second.values[key] += by;
}

void metrics::observe(std::string_view name, double value, const metric_labels& labels) {
  auto key = label_text(labels);
  const auto& bounds = metric_buckets();
  std::lock_guard lock(m_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), family{}).first;
    it->second.type = "histogram";
  }
  auto& h = it->second.histograms[key];
  if (h.buckets.empty()) h.buckets.assign(bounds.size(), 0);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += value;
}

void metrics::gauge_callback(std::string_view name, std::string help, std::function<double()> read) {
  std::lock_guard lock(m_);
  gauges_[std::string(name)] = gauge{std::move(help), std::move(read)};
}

double metrics::counter_value(std::string_view name, const metric_labels& labels) const {
  auto key = label_text(labels);
  std::lock_guard lock(m_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto v = it->second.values.find(key);
  return v == it->second.values.end() ? 0 : v->second;
}

std::uint64_t metrics::histogram_count(std::string_view name, const metric_labels& labels) const {
  auto key = label_text(labels);
  std::lock_guard lock(m_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto h = it->second.histograms.find(key);
  return h == it->second.histograms.end() ? 0 : h->second.count;
}

std::string metrics::render() const {
  std::string out;
  std::vector<std::pair<std::string, gauge>> gauges;
  {
    std::lock_guard lock(m_);
    const auto& bounds = metric_buckets();
    for (const auto& [name, f] : families_) {
      std::string full = std::string(prefix) + name;
      out += "# HELP " + full + ' ';
      escape_help(out, f.help);
      out += "\n# TYPE " + full + ' ' + f.type + '\n';
      for (const auto& [labels, v] : f.values) append_series(out, full, labels, "", v);
      for (const auto& [labels, h] : f.histograms) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
          cumulative += h.buckets[i];
          std::string le = "le=\"";
          append_number(le, bounds[i]);
          le += '"';
          append_series(out, full + "_bucket", labels, le, static_cast<double>(cumulative));
        }
        append_series(out, full + "_bucket", labels, "le=\"+Inf\"", static_cast<double>(h.count));
        append_series(out, full + "_sum", labels, "", h.sum);
        append_series(out, full + "_count", labels, "", static_cast<double>(h.count));
      }
    }
    gauges.assign(gauges_.begin(), gauges_.end());
  }
  // Gauge callbacks may query the database: call them outside the lock.
  for (const auto& [name, g] : gauges) {
    std::string full = std::string(prefix) + name;
    double v = 0;
    try {
      v = g.read ? g.read() : 0;
    } catch (...) {
      v = std::nan("");
    }
    out += "# HELP " + full + ' ';
    escape_help(out, g.help);
    out += "\n# TYPE " + full + " gauge\n";
    append_series(out, full, "", "", v);
  }
  return out;
}

}  // namespace tannha::bot
