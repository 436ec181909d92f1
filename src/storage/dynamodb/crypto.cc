#include "storage/dynamodb/crypto.h"

#include <array>
#include <cstdint>

namespace kvstore::storage::dynamodb {
namespace {

constexpr size_t kBlockSize = 64;

// The first 32 bits of the fractional parts of the cube roots of the first
// 64 primes (FIPS 180-4, 4.2.2).
constexpr std::array<uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t RotateRight(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

class Sha256State {
 public:
  void Update(std::string_view data) {
    for (unsigned char c : data) {
      block_[block_used_++] = c;
      if (block_used_ == kBlockSize) Compress();
    }
    length_bytes_ += data.size();
  }

  std::string Finish() {
    uint64_t length_bits = length_bytes_ * 8;
    // Padding: one 1 bit, zeros, then the message length in bits (big-endian)
    // in the last 8 bytes of a block.
    block_[block_used_++] = 0x80;
    if (block_used_ > kBlockSize - 8) {
      while (block_used_ < kBlockSize) block_[block_used_++] = 0;
      Compress();
    }
    while (block_used_ < kBlockSize - 8) block_[block_used_++] = 0;
    for (int i = 7; i >= 0; --i) block_[block_used_++] = static_cast<uint8_t>(length_bits >> (i * 8));
    Compress();
    std::string digest(32, '\0');
    for (size_t i = 0; i < 32; ++i) digest[i] = static_cast<char>(hash_[i / 4] >> (24 - 8 * (i % 4)));
    return digest;
  }

 private:
  void Compress() {
    std::array<uint32_t, 64> w;
    for (size_t i = 0; i < 16; ++i) {
      w[i] = uint32_t(block_[4 * i]) << 24 | uint32_t(block_[4 * i + 1]) << 16 | uint32_t(block_[4 * i + 2]) << 8 |
             uint32_t(block_[4 * i + 3]);
    }
    for (size_t i = 16; i < 64; ++i) {
      uint32_t s0 = RotateRight(w[i - 15], 7) ^ RotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = RotateRight(w[i - 2], 17) ^ RotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = hash_[0], b = hash_[1], c = hash_[2], d = hash_[3];
    uint32_t e = hash_[4], f = hash_[5], g = hash_[6], h = hash_[7];
    for (size_t i = 0; i < 64; ++i) {
      uint32_t s1 = RotateRight(e, 6) ^ RotateRight(e, 11) ^ RotateRight(e, 25);
      uint32_t choose = (e & f) ^ (~e & g);
      uint32_t t1 = h + s1 + choose + kRoundConstants[i] + w[i];
      uint32_t s0 = RotateRight(a, 2) ^ RotateRight(a, 13) ^ RotateRight(a, 22);
      uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
      uint32_t t2 = s0 + majority;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    hash_[0] += a, hash_[1] += b, hash_[2] += c, hash_[3] += d;
    hash_[4] += e, hash_[5] += f, hash_[6] += g, hash_[7] += h;
    block_used_ = 0;
  }

  // The first 32 bits of the fractional parts of the square roots of the
  // first 8 primes (FIPS 180-4, 5.3.3).
  std::array<uint32_t, 8> hash_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<uint8_t, kBlockSize> block_{};
  size_t block_used_ = 0;
  uint64_t length_bytes_ = 0;
};

}  // namespace

std::string Sha256(std::string_view data) {
  Sha256State state;
  state.Update(data);
  return state.Finish();
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string block_key = key.size() > kBlockSize ? Sha256(key) : std::string(key);
  block_key.resize(kBlockSize, '\0');
  std::string inner_pad = block_key, outer_pad = block_key;
  for (size_t i = 0; i < kBlockSize; ++i) {
    inner_pad[i] = static_cast<char>(inner_pad[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(outer_pad[i] ^ 0x5c);
  }
  Sha256State inner;
  inner.Update(inner_pad);
  inner.Update(data);
  Sha256State outer;
  outer.Update(outer_pad);
  outer.Update(inner.Finish());
  return outer.Finish();
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Sha1(std::string_view data) {
  // The message, a 1 bit, zeros to 56 mod 64 bytes, its length in bits.
  std::string message(data);
  uint64_t length_bits = uint64_t(data.size()) * 8;
  message += static_cast<char>(0x80);
  while (message.size() % kBlockSize != kBlockSize - 8) message += '\0';
  for (int i = 7; i >= 0; --i) message += static_cast<char>(length_bits >> (i * 8));
  std::array<uint32_t, 5> h = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  auto rotl = [](uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  for (size_t block = 0; block < message.size(); block += kBlockSize) {
    std::array<uint32_t, 80> w;
    for (size_t i = 0; i < 16; ++i) {
      const auto* b = reinterpret_cast<const unsigned char*>(message.data() + block + 4 * i);
      w[i] = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | uint32_t(b[3]);
    }
    for (size_t i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (size_t i = 0; i < 80; ++i) {
      uint32_t f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      uint32_t k = i < 20 ? 0x5A827999 : i < 40 ? 0x6ED9EBA1 : i < 60 ? 0x8F1BBCDC : 0xCA62C1D6;
      uint32_t next = rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = next;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  std::string digest(20, '\0');
  for (size_t i = 0; i < 20; ++i) digest[i] = static_cast<char>(h[i / 4] >> (24 - 8 * (i % 4)));
  return digest;
}

}  // namespace kvstore::storage::dynamodb
