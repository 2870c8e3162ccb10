#include <exception>
#include <iostream>

#include "bot/cli.hpp"

int main(int argc, char** argv) {
  try {
    return tannha::bot::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tannha: fatal: " << e.what() << "\n";
    return 1;
  }
}
