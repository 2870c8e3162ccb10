// A fixed-rate (open-loop) webhook loader: update i is due at t0 + i/RATE whatever happened to
// the earlier ones, and its latency is counted from that due time, so a stalled server shows
// up in the percentiles instead of slowing the loader down (no coordinated omission).
// Each update is a unique /dangky form (bench/bench_updates.hpp) posted with the secret header.
// Usage: bench_loadgen --port P [--rate 1000] [--seconds 10] [--connections 32] [--units 32]
//                      [--run ID] [--first N]
//        bench_loadgen --write-config FILE --db PATH --api-port P [--units 32]
//        (writes the harness server config, bench/bench_updates.hpp, and exits)
// Prints one line: sent=… ok=… errors=… rate=… p50_ms=… p90_ms=… p99_ms=… p999_ms=… max_ms=…
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "bench/bench_updates.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using steady = std::chrono::steady_clock;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

struct options {
  unsigned short port = 0;
  double rate = 1000;
  double seconds = 10;
  int connections = 32;
  int units = 32;
  std::string run = "lg";
  std::uint64_t first = 0;
};

struct state {
  options opt;
  std::uint64_t total = 0;
  std::uint64_t next = 0;
  steady::time_point t0;
  std::vector<double> latencies_ms;
  std::uint64_t ok = 0, errors = 0;
};

asio::awaitable<void> connection(asio::io_context& ioc, state& s) {
  asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), s.opt.port};
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buf;
  asio::steady_timer timer(ioc);
  while (s.next < s.total) {
    auto i = s.next++;
    auto due = s.t0 + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(i / s.opt.rate));
    if (steady::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(tuple_awaitable);
    }
    if (!stream) {
      stream.emplace(ioc);
      auto [cec] = co_await stream->async_connect(ep, tuple_awaitable);
      if (cec) {
        ++s.errors;
        stream.reset();
        continue;
      }
      stream->socket().set_option(asio::ip::tcp::no_delay(true));
      buf.clear();
    }
    http::request<http::string_body> req{http::verb::post, "/webhook", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.set("X-Bot-Api-Secret-Token", tannha::bench::secret);
    req.body() = tannha::bench::update_body(s.opt.run, s.opt.first + i, s.opt.units);
    req.prepare_payload();
    stream->expires_after(std::chrono::seconds(30));
    auto [wec, wn] = co_await http::async_write(*stream, req, tuple_awaitable);
    (void)wn;
    http::response<http::string_body> res;
    boost::system::error_code rec;
    if (!wec) {
      auto [e, rn] = co_await http::async_read(*stream, buf, res, tuple_awaitable);
      (void)rn;
      rec = e;
    }
    if (wec || rec) {
      ++s.errors;
      stream.reset();
      continue;
    }
    std::chrono::duration<double, std::milli> lat = steady::now() - due;
    s.latencies_ms.push_back(lat.count());
    if (res.result() == http::status::ok) ++s.ok;
    else ++s.errors;
    if (!res.keep_alive()) stream.reset();
  }
}

double pct(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(k, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  state s;
  std::string config_out, db_path;
  unsigned short api_port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--write-config") config_out = v;
    else if (k == "--db") db_path = v;
    else if (k == "--api-port") api_port = static_cast<unsigned short>(std::atoi(v.c_str()));
    else if (k == "--port") s.opt.port = static_cast<unsigned short>(std::atoi(v.c_str()));
    else if (k == "--rate") s.opt.rate = std::atof(v.c_str());
    else if (k == "--seconds") s.opt.seconds = std::atof(v.c_str());
    else if (k == "--connections") s.opt.connections = std::atoi(v.c_str());
    else if (k == "--units") s.opt.units = std::atoi(v.c_str());
    else if (k == "--run") s.opt.run = v;
    else if (k == "--first") s.opt.first = std::strtoull(v.c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (!config_out.empty()) {
    std::ofstream(config_out) << tannha::bench::harness_config(db_path, api_port, s.opt.units);
    return 0;
  }
  if (s.opt.port == 0 || s.opt.rate <= 0 || s.opt.seconds <= 0 || s.opt.connections <= 0) {
    std::fprintf(stderr, "usage: %s --port P [--rate R] [--seconds S] [--connections C] [--units U] [--run ID]\n",
                 argv[0]);
    return 2;
  }
  s.total = static_cast<std::uint64_t>(s.opt.rate * s.opt.seconds);
  s.latencies_ms.reserve(s.total);
  asio::io_context ioc(1);
  s.t0 = steady::now() + std::chrono::milliseconds(50);
  for (int c = 0; c < s.opt.connections; ++c) asio::co_spawn(ioc, connection(ioc, s), asio::detached);
  ioc.run();
  std::chrono::duration<double> took = steady::now() - s.t0;
  std::sort(s.latencies_ms.begin(), s.latencies_ms.end());
  std::printf("sent=%llu ok=%llu errors=%llu rate=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
              static_cast<unsigned long long>(s.total), static_cast<unsigned long long>(s.ok),
              static_cast<unsigned long long>(s.errors), static_cast<double>(s.ok) / took.count(),
              pct(s.latencies_ms, 0.50), pct(s.latencies_ms, 0.90), pct(s.latencies_ms, 0.99),
              pct(s.latencies_ms, 0.999), s.latencies_ms.empty() ? 0.0 : s.latencies_ms.back());
  return s.errors == 0 ? 0 : 1;
}
