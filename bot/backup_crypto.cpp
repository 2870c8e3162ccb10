// Encrypted backups (issue 15 item 7): libsodium's crypto_secretstream_xchacha20poly1305 over
// a snapshot taken into memory, so no plaintext copy of the database is ever written.
#include "bot/backup_crypto.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "storage/database.hpp"

namespace tannha::bot {

namespace {

// 16 bytes, authenticated as associated data of the first chunk.
constexpr std::string_view backup_magic{"TANNHA-BACKUP-1\n"};
constexpr std::size_t backup_chunk = 64 * 1024;

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `data` to a new owner-only file (0600 whatever the umask); `replace` allows an
// existing one. Written beside and renamed, so a reader never sees half a file.
bool write_owner_only(const std::string& path, std::string_view data, bool replace, std::string& why) {
  if (!replace && std::filesystem::exists(path)) {
    why = path + " exists: it is never overwritten";
    return false;
  }
  const std::string tmp = path + ".partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    why = "cannot create " + tmp;
    return false;
  }
  ::fchmod(fd, 0600);
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      why = "cannot write " + tmp;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    why = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace

domain::result<backup_key> read_backup_key(const std::string& path) {
  auto text = slurp(path);
  if (!text) return domain::fail(domain::errc::not_found, "cannot read the key file " + path);
  backup_key key{};
  if (text->size() == key.size()) {
    std::copy(text->begin(), text->end(), key.begin());
    return key;
  }
  std::string hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  std::size_t len = 0;
  if (hex.size() != 64 || !sodium_ready() ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 || len != key.size())
    return domain::fail(domain::errc::bad_argument,
                        "the key file " + path + " must hold 64 hex characters (tannha keygen) or 32 bytes");
  return key;
}

domain::result<bool> write_new_backup_key(const std::string& path) {
  if (!sodium_ready()) return domain::fail(domain::errc::not_configured, "libsodium failed to start");
  backup_key key{};
  randombytes_buf(key.data(), key.size());
  std::string hex(key.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
  hex.back() = '\n';
  sodium_memzero(key.data(), key.size());
  std::string why;
  if (!write_owner_only(path, hex, false, why)) return domain::fail(domain::errc::duplicate, why);
  return true;
}

bool is_encrypted_backup(std::string_view data) { return data.starts_with(backup_magic); }

std::string encrypt_backup(std::string_view plain, const backup_key& key) {
  if (!sodium_ready()) throw std::runtime_error("libsodium failed to start");
  crypto_secretstream_xchacha20poly1305_state st;
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, key.data());
  std::string out(backup_magic);
  out.append(reinterpret_cast<const char*>(header), sizeof header);
  std::string buf(backup_chunk + crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
  std::size_t pos = 0;
  bool first = true;
  do {
    const std::size_t n = std::min(backup_chunk, plain.size() - pos);
    const bool last = pos + n == plain.size();
    unsigned long long written = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &st, reinterpret_cast<unsigned char*>(buf.data()), &written,
        reinterpret_cast<const unsigned char*>(plain.data() + pos), n,
        first ? reinterpret_cast<const unsigned char*>(backup_magic.data()) : nullptr, first ? backup_magic.size() : 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    out.append(buf.data(), static_cast<std::size_t>(written));
    pos += n;
    first = false;
    if (last) break;
  } while (true);
  return out;
}

domain::result<std::string> decrypt_backup(std::string_view data, const backup_key& key) {
  const auto refused = [] {
    return domain::fail(domain::errc::bad_argument,
                        "the backup does not decrypt with this key, or it was changed or cut short: refused");
  };
  if (!sodium_ready()) return domain::fail(domain::errc::not_configured, "libsodium failed to start");
  if (!is_encrypted_backup(data)) return domain::fail(domain::errc::bad_argument, "not an encrypted tannha backup");
  data.remove_prefix(backup_magic.size());
  if (data.size() < crypto_secretstream_xchacha20poly1305_HEADERBYTES) return refused();
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, reinterpret_cast<const unsigned char*>(data.data()),
                                                      key.data()) != 0)
    return refused();
  data.remove_prefix(crypto_secretstream_xchacha20poly1305_HEADERBYTES);
  std::string plain;
  std::string buf(backup_chunk, '\0');
  bool first = true;
  while (true) {
    const std::size_t n = std::min(backup_chunk + crypto_secretstream_xchacha20poly1305_ABYTES, data.size());
    if (n < crypto_secretstream_xchacha20poly1305_ABYTES) return refused();  // cut short: no final chunk
    unsigned long long got = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &st, reinterpret_cast<unsigned char*>(buf.data()), &got, &tag,
            reinterpret_cast<const unsigned char*>(data.data()), n,
            first ? reinterpret_cast<const unsigned char*>(backup_magic.data()) : nullptr,
            first ? backup_magic.size() : 0) != 0)
      return refused();
    plain.append(buf.data(), static_cast<std::size_t>(got));
    data.remove_prefix(n);
    first = false;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      if (!data.empty()) return refused();  // bytes added after the end
      return plain;
    }
  }
}

int run_encrypted_backup(const std::string& db_path, const std::string& out, const std::string& key_file) {
  auto key = read_backup_key(key_file);
  if (!key) {
    std::cerr << "tannha backup: " << key.error().message << "\n";
    return 2;
  }
  storage::database db(db_path, false);
  auto [image, check] = db.snapshot();
  if (check != "ok") {
    std::cerr << "tannha backup: the snapshot fails integrity_check: " << check << "\n";
    return 1;
  }
  auto sealed = encrypt_backup(image, *key);
  sodium_memzero(image.data(), image.size());
  std::string why;
  if (!write_owner_only(out, sealed, true, why)) {
    std::cerr << "tannha backup: " << why << "\n";
    return 1;
  }
  std::cout << "encrypted backup written to " << out << " (integrity_check: ok)\n";
  return 0;
}

int run_restore(const std::string& from, const std::string& to, const std::string& key_file, bool force) {
  auto data = slurp(from);
  if (!data) {
    std::cerr << "tannha restore: cannot read " << from << "\n";
    return 1;
  }
  std::string image;
  if (is_encrypted_backup(*data)) {
    if (key_file.empty()) {
      std::cerr << "tannha restore: " << from << " is encrypted: give --key-file\n";
      return 2;
    }
    auto key = read_backup_key(key_file);
    if (!key) {
      std::cerr << "tannha restore: " << key.error().message << "\n";
      return 2;
    }
    auto plain = decrypt_backup(*data, *key);
    if (!plain) {
      std::cerr << "tannha restore: " << plain.error().message << "\n";
      return 1;
    }
    image = std::move(*plain);
  } else {
    image = std::move(*data);
  }
  if (!force && std::filesystem::exists(to)) {
    std::cerr << "tannha restore: " << to << " exists (stop the bot and move it away, or --force)\n";
    return 1;
  }
  // Checked as a file of its own before it takes the database's place.
  const std::string staged = to + ".restoring";
  std::string why;
  if (!write_owner_only(staged, image, true, why)) {
    std::cerr << "tannha restore: " << why << "\n";
    return 1;
  }
  sodium_memzero(image.data(), image.size());
  auto check = storage::database::check_file(staged);
  std::error_code ec;
  // The check's read-only connection may leave an empty -wal and -shm beside the staged file.
  std::filesystem::remove(staged + "-wal", ec);
  std::filesystem::remove(staged + "-shm", ec);
  if (check != "ok") {
    std::filesystem::remove(staged);
    std::cerr << "tannha restore: the backup fails integrity_check (" << check << "): refused\n";
    return 1;
  }
  // An old WAL beside the path would be replayed over the restored file.
  std::filesystem::remove(to + "-wal", ec);
  std::filesystem::remove(to + "-shm", ec);
  if (std::rename(staged.c_str(), to.c_str()) != 0) {
    std::filesystem::remove(staged);
    std::cerr << "tannha restore: cannot write " << to << "\n";
    return 1;
  }
  // serve's background check left this when it found the old file damaged; the file is new now.
  std::filesystem::remove(to + ".damaged", ec);
  std::cout << "restored " << from << " to " << to << " (integrity_check: ok)\n";
  return 0;
}

int run_keygen(const std::string& out) {
  auto r = write_new_backup_key(out);
  if (!r) {
    std::cerr << "tannha keygen: " << r.error().message << "\n";
    return 1;
  }
  std::cout << "new backup key written to " << out
            << " (0600). Keep it apart from the backups: whoever has both can read them.\n";
  return 0;
}

}  // namespace tannha::bot
