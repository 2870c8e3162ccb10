#pragma once
#include <array>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace tannha::bot {

/// A backup key: 32 bytes for crypto_secretstream_xchacha20poly1305.
using backup_key = std::array<unsigned char, 32>;

/// Reads a key file: 64 hexadecimal characters (`tannha keygen`, optionally followed by a line
/// break) or exactly 32 raw bytes (`head -c 32 /dev/urandom`).
domain::result<backup_key> read_backup_key(const std::string& path);
/// Writes a new random key as 64 hex characters and a line break, owner-only (0600); refuses
/// to overwrite a file.
domain::result<bool> write_new_backup_key(const std::string& path);

/// True when `data` begins like an encrypted backup.
bool is_encrypted_backup(std::string_view data);
/// Encrypts a database image: a magic line, the secretstream header, then 64 KiB chunks each
/// authenticated, the last one tagged final.
std::string encrypt_backup(std::string_view plain, const backup_key& key);
/// Decrypts and authenticates a whole backup: fails on a wrong key, a changed, missing or
/// added byte, or a file cut short.
domain::result<std::string> decrypt_backup(std::string_view data, const backup_key& key);

/// `tannha backup` with --encrypt: a snapshot taken into memory, checked, encrypted to `out`.
int run_encrypted_backup(const std::string& db_path, const std::string& out, const std::string& key_file);
/// `tannha restore --from BACKUP --to DB [--key-file K] [--force]`: decrypts (when encrypted),
/// checks integrity and only then writes `to` (0600); a tampered or wrong-key backup is refused
/// and nothing is written.
int run_restore(const std::string& from, const std::string& to, const std::string& key_file, bool force);
/// `tannha keygen --out K`.
int run_keygen(const std::string& out);

}  // namespace tannha::bot
