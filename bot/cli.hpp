#pragma once

namespace tannha::bot {

/// The `tannha` command line: serve | poll | chat | migrate | run-jobs | export | import |
/// backup, each with --help. Returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace tannha::bot
