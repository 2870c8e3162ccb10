#pragma once
// Reads one member of a ZIP archive (an XLSX file) with zlib, so that tests can look at the
// sheet XML without an unzip library or command. Handles what XLSX writers produce: stored or
// deflated members, sizes taken from the central directory.
#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tannha::test {

namespace zip_detail {
inline std::uint32_t u16(std::string_view b, std::size_t at) {
  return static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8;
}
inline std::uint32_t u32(std::string_view b, std::size_t at) { return u16(b, at) | u16(b, at + 2) << 16; }
}  // namespace zip_detail

/// The uncompressed bytes of `name` in the ZIP archive `zip`; nullopt when absent or unreadable.
inline std::optional<std::string> zip_member(std::string_view zip, std::string_view name) {
  using zip_detail::u16;
  using zip_detail::u32;
  // End of central directory: the last "PK\5\6" record (its comment is at most 64 KiB).
  if (zip.size() < 22) return std::nullopt;
  std::size_t eocd = std::string_view::npos;
  for (std::size_t i = zip.size() - 22 + 1; i-- > 0;) {
    if (u32(zip, i) == 0x06054b50) {
      eocd = i;
      break;
    }
    if (zip.size() - i > 22 + 65535) break;
  }
  if (eocd == std::string_view::npos) return std::nullopt;
  std::size_t entries = u16(zip, eocd + 10);
  std::size_t at = u32(zip, eocd + 16);
  for (std::size_t e = 0; e < entries; ++e) {
    if (at + 46 > zip.size() || u32(zip, at) != 0x02014b50) return std::nullopt;
    std::uint32_t method = u16(zip, at + 10);
    std::size_t compressed = u32(zip, at + 20);
    std::size_t size = u32(zip, at + 24);
    std::size_t name_len = u16(zip, at + 28);
    std::size_t extra_len = u16(zip, at + 30);
    std::size_t comment_len = u16(zip, at + 32);
    std::size_t local = u32(zip, at + 42);
    std::string_view entry_name = zip.substr(at + 46, name_len);
    at += 46 + name_len + extra_len + comment_len;
    if (entry_name != name) continue;
    if (local + 30 > zip.size() || u32(zip, local) != 0x04034b50) return std::nullopt;
    std::size_t data = local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
    if (data + compressed > zip.size()) return std::nullopt;
    std::string_view raw = zip.substr(data, compressed);
    if (method == 0) return std::string(raw);
    if (method != 8) return std::nullopt;
    std::string out(size, '\0');
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return std::nullopt;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&zs, Z_FINISH);
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || zs.total_out != size) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

}  // namespace tannha::test
