// `tannha backup --encrypt` and `tannha restore`, as the real binary: a round trip gives the
// same data back, the file holds no plaintext, and a flipped byte, a cut file or a wrong key is
// refused without writing anything.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "storage/database.hpp"
#include "test_ops_process.hpp"

using namespace tannha;

namespace {

bool holds(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void write_bytes(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

}  // namespace

TEST_CASE("backup: an encrypted backup restores to the same data; tampering and a wrong key are refused") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  {
    storage::database db(dir.file("tannha.db"));
    // Enough rows for several 64 KiB chunks, with a marker that must not appear in clear.
    db.db().exec("CREATE TABLE t(x TEXT)");
    storage::write_transaction tx(db);
    for (int i = 0; i < 3000; ++i)
      db.db().exec("INSERT INTO t VALUES('Nguyễn Văn Tư 0912345678 dòng " + std::to_string(i) + "')");
    tx.commit();
  }
  auto key = dir.file("backup.key");
  auto gen = test::run_tannha({"keygen", "--out", key});
  REQUIRE_MESSAGE(gen.exit_code == 0, gen.output);
  CHECK(holds(gen.output, "apart from the backups"));
  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(test::run_tannha({"keygen", "--out", key}).exit_code == 1);  // never overwritten

  auto enc = dir.file("tannha.db.enc");
  auto b = test::run_tannha({"backup", "--config", cfg, "--out", enc, "--encrypt", "--key-file", key});
  REQUIRE_MESSAGE(b.exit_code == 0, b.output);
  const auto sealed = test::read_file(enc);
  CHECK(sealed.size() > 3 * 64 * 1024);
  CHECK_FALSE(holds(sealed, "0912345678"));
  CHECK_FALSE(holds(sealed, "SQLite format 3"));
  REQUIRE(::stat(enc.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto restored = dir.file("restored.db");
  auto r = test::run_tannha({"restore", "--from", enc, "--to", restored, "--key-file", key});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(holds(r.output, "integrity_check: ok"));
  CHECK(storage::database::check_file(restored) == "ok");
  {
    storage::database db(restored);
    CHECK(db.db().execAndGet("SELECT COUNT(*) FROM t").getInt() == 3000);
  }
  CHECK_FALSE(std::filesystem::exists(restored + ".restoring"));
  // An existing database is not replaced without --force.
  CHECK(test::run_tannha({"restore", "--from", enc, "--to", restored, "--key-file", key}).exit_code == 1);
  CHECK(test::run_tannha({"restore", "--from", enc, "--to", restored, "--key-file", key, "--force"}).exit_code == 0);

  const auto refused = [&](const std::string& file, const std::string& with_key) {
    auto out = dir.file("never.db");
    auto res = test::run_tannha({"restore", "--from", file, "--to", out, "--key-file", with_key});
    INFO(res.output);
    CHECK(res.exit_code == 1);
    CHECK(holds(res.output, "refused"));
    CHECK_FALSE(std::filesystem::exists(out));
  };
  // One flipped byte anywhere: in the header, in the middle, in the last chunk.
  for (std::size_t at : {std::size_t{20}, sealed.size() / 2, sealed.size() - 5}) {
    auto bad = sealed;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    write_bytes(dir.file("flipped.enc"), bad);
    refused(dir.file("flipped.enc"), key);
  }
  write_bytes(dir.file("cut.enc"), sealed.substr(0, sealed.size() - 70000));
  refused(dir.file("cut.enc"), key);
  write_bytes(dir.file("longer.enc"), sealed + "x");
  refused(dir.file("longer.enc"), key);
  // A wrong key, given as 32 raw bytes.
  write_bytes(dir.file("other.key"), std::string(32, '\x07'));
  refused(enc, dir.file("other.key"));
  // An encrypted backup without a key is a usage error.
  CHECK(test::run_tannha({"restore", "--from", enc, "--to", dir.file("x.db")}).exit_code == 2);
  CHECK(test::run_tannha({"backup", "--config", cfg, "--out", enc, "--encrypt"}).exit_code == 2);
}
