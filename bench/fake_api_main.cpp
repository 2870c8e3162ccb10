// The fake Bot API as a process, for `make bench`: prints "port=N" on stdout, then serves until
// SIGINT/SIGTERM and prints "delivered=N". GET /stats tells the count while it runs.
// Usage: bench_fake_api [PORT]
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "bench/fake_api.hpp"

int main(int argc, char** argv) {
  unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 0;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // the server thread inherits the mask
  tannha::bench::fake_api api;
  std::printf("port=%u\n", api.start(port));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  api.stop();
  std::printf("delivered=%llu\n", static_cast<unsigned long long>(api.delivered()));
  return 0;
}
