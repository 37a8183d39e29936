// Byte codecs for storage keys and values, shared by every RocksDB user (the
// event store, the audit log, the projection's read models).
//
// - Big-endian fixed 64-bit numbers: their byte order is their numeric order,
//   so they sort correctly inside keys.
// - Varints (protobuf's base-128) and zigzag varints for signed numbers that
//   are small either side of zero.
// - Length-prefixed strings (a varint length, then the bytes).
//
// Readers take a string_view they consume from the front and return false on
// truncated or malformed input; they never read past its end.
#ifndef CASEWORK_LIBS_CORE_CODEC_H_
#define CASEWORK_LIBS_CORE_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace casework::codec {

inline void PutBigEndian64(uint64_t v, std::string* out) {
  for (int i = 7; i >= 0; --i) {
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

inline std::string BigEndian64(uint64_t v) {
  std::string out;
  out.reserve(8);
  PutBigEndian64(v, &out);
  return out;
}

// The first 8 bytes of `in` as a big-endian number (missing bytes count as
// absent: a shorter input gives the number of the bytes it has).
inline uint64_t ReadBigEndian64(absl::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < in.size(); ++i) {
    v = (v << 8) | static_cast<uint8_t>(in[i]);
  }
  return v;
}

inline void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline bool GetVarint(absl::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

inline void PutZigzag(int64_t v, std::string* out) {
  const auto u = static_cast<uint64_t>(v);
  PutVarint((u << 1) ^ (v < 0 ? ~uint64_t{0} : 0), out);
}

inline bool GetZigzag(absl::string_view* in, int64_t* v) {
  uint64_t u = 0;
  if (!GetVarint(in, &u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

inline void PutLengthPrefixed(absl::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s.data(), s.size());
}

inline bool GetLengthPrefixed(absl::string_view* in, std::string* s) {
  uint64_t n = 0;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

}  // namespace casework::codec

#endif  // CASEWORK_LIBS_CORE_CODEC_H_
