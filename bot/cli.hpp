#pragma once

namespace tannha::bot {

/// The `tannha` command line (CLI11): serve | poll | webhook | outbox | chat | migrate |
/// run-jobs | export | import | backup | init | claim | doctor, each with --help. Returns the process exit code (2 for
/// a usage error).
int run_cli(int argc, char** argv);

}  // namespace tannha::bot
