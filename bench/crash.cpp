// `make crash`: the crash test of bench/crash_harness.hpp from the command line.
// Usage: bench_crash --binary build/tannha [--dir DIR] [--kills 20] [--units 8] [--loaders 4]
//                    [--min-ms 200] [--max-ms 1500] [--seed N]
// Exit status 0 when every check holds.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "bench/crash_harness.hpp"

int main(int argc, char** argv) {
  tannha::bench::crash::options opt;
  opt.seed = static_cast<unsigned>(std::random_device{}());
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--binary") opt.binary = v;
    else if (k == "--dir") opt.dir = v;
    else if (k == "--kills") opt.kills = std::atoi(v.c_str());
    else if (k == "--units") opt.units = std::atoi(v.c_str());
    else if (k == "--loaders") opt.loaders = std::atoi(v.c_str());
    else if (k == "--min-ms") opt.min_ms = std::atoi(v.c_str());
    else if (k == "--max-ms") opt.max_ms = std::atoi(v.c_str());
    else if (k == "--seed") opt.seed = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (opt.binary.empty()) {
    std::fprintf(stderr, "usage: %s --binary PATH [--dir DIR] [--kills N] [--units N] [--seed N]\n", argv[0]);
    return 2;
  }
  return tannha::bench::crash::run(opt, stdout) == 0 ? 0 : 1;
}
