// libFuzzer: the approved-list importer (CSV reader, header matching, row checks, the write)
// on any bytes, against a real SQLite file. Odd-length inputs are a dry run, so both paths run.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "bot/importer.hpp"
#include "storage/database.hpp"
#include "storage/unit_repository.hpp"

namespace {

using namespace tannha;

struct env {
  std::string path;
  std::unique_ptr<storage::database> db;
  domain::unit unit;
  handlers::catalog catalog{{{"CT-01", "Chứng thực chữ ký", "Chứng thực", 1, {"chung thuc chu ky"}}}};
  domain::instant now{std::chrono::seconds{1764000000}};

  env() {
    path = (std::filesystem::temp_directory_path() / ("tannha_fuzz_import_" + std::to_string(::getpid()) + ".db")).string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    db = std::make_unique<storage::database>(path);
    unit.id = "binhgiang";
    unit.name = "Xã Bình Giang";
    unit.chat_id = "group-bg";
    unit.villages = {"Đông Hải", "Tây Sơn", "Bắc Hà"};
    storage::unit_repository(*db).sync_config({unit}, now);
  }
  ~env() {
    db.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static env e;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto res = bot::import_citizens(*e.db, e.unit, e.catalog, text, size % 2 == 1, e.now);
  if (res) {
    const auto& s = *res;
    // Every row is counted once: added, updated, unchanged or skipped; none negative.
    if (s.added < 0 || s.updated < 0 || s.unchanged < 0) std::abort();
    if (s.dry_run != (size % 2 == 1)) std::abort();
    (void)bot::format_import_summary(s);
  }
  return 0;
}
