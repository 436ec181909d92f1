#include "storage/dynamodb/crypto.h"

#include <dlfcn.h>

#include <mutex>

namespace kvstore::storage::dynamodb {
namespace {

// The few libcrypto entry points used, with their OpenSSL 3 signatures.
struct EvpMd;
using EvpSha256Fn = const EvpMd* (*)();
using EvpDigestFn = int (*)(const void* data, size_t count, unsigned char* md, unsigned int* size,
                            const EvpMd* type, void* engine);
using HmacFn = unsigned char* (*)(const EvpMd* md, const void* key, int key_len, const unsigned char* data,
                                  size_t data_len, unsigned char* out, unsigned int* out_len);

struct Crypto {
  EvpSha256Fn sha256 = nullptr;
  EvpDigestFn digest = nullptr;
  HmacFn hmac = nullptr;
};

Crypto g_crypto;
Status g_load_status = Status::IoError("libcrypto was not loaded");
std::once_flag g_once;

void Load() {
  void* lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    g_load_status = Status::IoError(std::string("the DynamoDB store needs OpenSSL's libcrypto.so.3: ") + dlerror());
    return;
  }
  g_crypto.sha256 = reinterpret_cast<EvpSha256Fn>(dlsym(lib, "EVP_sha256"));
  g_crypto.digest = reinterpret_cast<EvpDigestFn>(dlsym(lib, "EVP_Digest"));
  g_crypto.hmac = reinterpret_cast<HmacFn>(dlsym(lib, "HMAC"));
  if (!g_crypto.sha256 || !g_crypto.digest || !g_crypto.hmac) {
    g_load_status = Status::IoError("libcrypto.so.3 lacks EVP_sha256, EVP_Digest or HMAC");
    return;
  }
  g_load_status = Status::Ok();
}

}  // namespace

Status LoadCrypto() {
  std::call_once(g_once, Load);
  return g_load_status;
}

std::string Sha256(std::string_view data) {
  if (!LoadCrypto().ok()) return {};
  unsigned char out[32];
  unsigned int size = 0;
  g_crypto.digest(data.data(), data.size(), out, &size, g_crypto.sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  if (!LoadCrypto().ok()) return {};
  unsigned char out[32];
  unsigned int size = 0;
  g_crypto.hmac(g_crypto.sha256(), key.data(), static_cast<int>(key.size()),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
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

}  // namespace kvstore::storage::dynamodb
