// The crash test of bench/crash_harness.hpp at a small scale (`make crash` runs it with 20
// kills): the real server killed with SIGKILL under load and restarted, with redelivery.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "bench/crash_harness.hpp"
#include "test_support.hpp"

TEST_CASE("crash: kill -9 under load loses no answered update, applies none twice, delivers every reply") {
  tannha::test::temp_dir dir;
  tannha::bench::crash::options opt;
  opt.binary = TANNHA_BINARY;
  opt.dir = dir.file("crash");
  opt.kills = 3;
  opt.units = 4;
  opt.loaders = 2;
  opt.min_ms = 300;
  opt.max_ms = 700;
  opt.seed = 12345;
  CHECK(tannha::bench::crash::run(opt, stderr) == 0);
}
