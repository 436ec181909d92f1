#include "storage/dynamodb/tls.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <poll.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

namespace kvstore::storage::dynamodb {
namespace {

// OpenSSL 3's ABI, as much of it as kvstore uses: opaque handles and the
// constants of ssl.h, crypto.h and x509_vfy.h (stable across 3.x).
using SSL_CTX = void;
using SSL = void;
constexpr unsigned long long kInitNoLoadConfig = 0x80;  // OPENSSL_INIT_NO_LOAD_CONFIG
constexpr int kVerifyPeer = 0x01;                       // SSL_VERIFY_PEER
constexpr int kCtrlSetHostName = 55;                    // SSL_CTRL_SET_TLSEXT_HOSTNAME
constexpr long kNameTypeHostName = 0;                   // TLSEXT_NAMETYPE_host_name
constexpr int kCtrlSetMinProtoVersion = 123;            // SSL_CTRL_SET_MIN_PROTO_VERSION
constexpr long kTls12 = 0x0303;                         // TLS1_2_VERSION
constexpr uint64_t kIgnoreUnexpectedEof = 1ULL << 7;    // SSL_OP_IGNORE_UNEXPECTED_EOF
constexpr int kErrorSsl = 1, kWantRead = 2, kWantWrite = 3, kErrorSyscall = 5, kZeroReturn = 6;
constexpr long kVerifyOk = 0;                           // X509_V_OK

struct LibSsl {
  int (*init_ssl)(unsigned long long, const void*) = nullptr;
  const void* (*client_method)() = nullptr;
  SSL_CTX* (*ctx_new)(const void*) = nullptr;
  void (*ctx_free)(SSL_CTX*) = nullptr;
  void (*ctx_set_verify)(SSL_CTX*, int, void*) = nullptr;
  int (*ctx_load_verify_locations)(SSL_CTX*, const char*, const char*) = nullptr;
  long (*ctx_ctrl)(SSL_CTX*, int, long, void*) = nullptr;
  uint64_t (*ctx_set_options)(SSL_CTX*, uint64_t) = nullptr;
  SSL* (*ssl_new)(SSL_CTX*) = nullptr;
  void (*ssl_free)(SSL*) = nullptr;
  int (*set_fd)(SSL*, int) = nullptr;
  long (*ssl_ctrl)(SSL*, int, long, void*) = nullptr;
  int (*set1_host)(SSL*, const char*) = nullptr;
  void* (*get0_param)(SSL*) = nullptr;
  int (*param_set1_ip_asc)(void*, const char*) = nullptr;
  int (*connect)(SSL*) = nullptr;
  int (*get_error)(const SSL*, int) = nullptr;
  int (*read)(SSL*, void*, int) = nullptr;
  int (*write)(SSL*, const void*, int) = nullptr;
  long (*get_verify_result)(const SSL*) = nullptr;
  const char* (*verify_error_string)(long) = nullptr;
  unsigned long (*err_get_error)() = nullptr;
  void (*err_error_string_n)(unsigned long, char*, size_t) = nullptr;
  void (*err_clear_error)() = nullptr;
};

LibSsl g_ssl;
std::string g_load_problem = "libssl was not loaded";
std::once_flag g_once;
std::mutex g_contexts_mu;
std::map<std::string, SSL_CTX*> g_contexts;  // by CA bundle ("" = /etc/ssl/certs)

// The contexts live as long as the process; freed at exit so that leak
// checkers see nothing left over.
void FreeContexts() {
  std::lock_guard lock(g_contexts_mu);
  for (auto& [bundle, ctx] : g_contexts) g_ssl.ctx_free(ctx);
  g_contexts.clear();
}

template <typename F>
bool Bind(void* lib, const char* name, F& fn) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  return fn != nullptr;
}

void Load() {
  void* lib = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    g_load_problem = std::string("https needs OpenSSL's libssl (Debian: libssl3): ") + dlerror();
    return;
  }
  LibSsl& s = g_ssl;
  bool ok = Bind(lib, "OPENSSL_init_ssl", s.init_ssl) && Bind(lib, "TLS_client_method", s.client_method) &&
            Bind(lib, "SSL_CTX_new", s.ctx_new) && Bind(lib, "SSL_CTX_free", s.ctx_free) &&
            Bind(lib, "SSL_CTX_set_verify", s.ctx_set_verify) &&
            Bind(lib, "SSL_CTX_load_verify_locations", s.ctx_load_verify_locations) &&
            Bind(lib, "SSL_CTX_ctrl", s.ctx_ctrl) && Bind(lib, "SSL_CTX_set_options", s.ctx_set_options) &&
            Bind(lib, "SSL_new", s.ssl_new) && Bind(lib, "SSL_free", s.ssl_free) && Bind(lib, "SSL_set_fd", s.set_fd) &&
            Bind(lib, "SSL_ctrl", s.ssl_ctrl) && Bind(lib, "SSL_set1_host", s.set1_host) &&
            Bind(lib, "SSL_get0_param", s.get0_param) && Bind(lib, "X509_VERIFY_PARAM_set1_ip_asc", s.param_set1_ip_asc) &&
            Bind(lib, "SSL_connect", s.connect) && Bind(lib, "SSL_get_error", s.get_error) &&
            Bind(lib, "SSL_read", s.read) && Bind(lib, "SSL_write", s.write) &&
            Bind(lib, "SSL_get_verify_result", s.get_verify_result) &&
            Bind(lib, "X509_verify_cert_error_string", s.verify_error_string) &&
            Bind(lib, "ERR_get_error", s.err_get_error) && Bind(lib, "ERR_error_string_n", s.err_error_string_n) &&
            Bind(lib, "ERR_clear_error", s.err_clear_error);
  if (!ok) {
    g_load_problem = "libssl.so.3 lacks a function kvstore needs";
    return;
  }
  // No openssl.cnf: reading it costs every process time, and nothing in it
  // may weaken verification here.
  if (s.init_ssl(kInitNoLoadConfig, nullptr) != 1) {
    g_load_problem = "OpenSSL could not start";
    return;
  }
  // Registered after OpenSSL's own exit handler, so it runs before it.
  std::atexit(FreeContexts);
  g_load_problem.clear();
}

// The verifying client context for `ca_bundle`, made once per process.
SSL_CTX* ContextFor(const std::string& ca_bundle, std::string* problem) {
  std::lock_guard lock(g_contexts_mu);
  if (auto it = g_contexts.find(ca_bundle); it != g_contexts.end()) return it->second;
  SSL_CTX* ctx = g_ssl.ctx_new(g_ssl.client_method());
  if (ctx == nullptr) {
    *problem = "OpenSSL could not make a TLS context";
    return nullptr;
  }
  g_ssl.ctx_set_verify(ctx, kVerifyPeer, nullptr);
  g_ssl.ctx_ctrl(ctx, kCtrlSetMinProtoVersion, kTls12, nullptr);
  g_ssl.ctx_set_options(ctx, kIgnoreUnexpectedEof);
  bool loaded = ca_bundle.empty() ? g_ssl.ctx_load_verify_locations(ctx, nullptr, "/etc/ssl/certs") == 1
                                  : g_ssl.ctx_load_verify_locations(ctx, ca_bundle.c_str(), nullptr) == 1;
  if (!loaded) {
    *problem = ca_bundle.empty() ? "cannot use the CA certificates in /etc/ssl/certs"
                                 : "AWS_CA_BUNDLE '" + ca_bundle + "' holds no usable CA certificate";
    return nullptr;
  }
  g_contexts[ca_bundle] = ctx;
  return ctx;
}

std::string LastError() {
  unsigned long code = g_ssl.err_get_error();
  if (code == 0) return "the connection failed";
  char text[256];
  g_ssl.err_error_string_n(code, text, sizeof text);
  g_ssl.err_clear_error();
  return text;
}

bool WaitFor(int fd, short events, TlsDeadline deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    int n = poll(&p, 1, static_cast<int>(std::clamp<int64_t>(left + 1, 0, 1 << 30)));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

bool IsIpAddress(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

std::unique_ptr<TlsStream> TlsStream::Connect(int fd, const std::string& host, const std::string& ca_bundle,
                                              TlsDeadline deadline, std::string* problem, bool* retryable) {
  std::call_once(g_once, Load);
  *retryable = false;
  if (!g_load_problem.empty()) {
    *problem = g_load_problem;
    return nullptr;
  }
  SSL_CTX* ctx = ContextFor(ca_bundle, problem);
  if (ctx == nullptr) return nullptr;
  SSL* ssl = g_ssl.ssl_new(ctx);
  std::unique_ptr<TlsStream> stream(new TlsStream(ssl));
  g_ssl.set_fd(ssl, fd);
  if (IsIpAddress(host)) {
    g_ssl.param_set1_ip_asc(g_ssl.get0_param(ssl), host.c_str());
  } else {
    g_ssl.ssl_ctrl(ssl, kCtrlSetHostName, kNameTypeHostName, const_cast<char*>(host.c_str()));  // SNI
    g_ssl.set1_host(ssl, host.c_str());
  }
  for (;;) {
    int result = g_ssl.connect(ssl);
    if (result == 1) return stream;
    int error = g_ssl.get_error(ssl, result);
    if ((error == kWantRead || error == kWantWrite) && WaitFor(fd, error == kWantRead ? POLLIN : POLLOUT, deadline)) continue;
    if (error == kWantRead || error == kWantWrite) {
      *problem = "no TLS handshake with " + host + " in time";
      *retryable = true;
    } else if (long verify = g_ssl.get_verify_result(ssl); verify != kVerifyOk) {
      *problem = "the certificate of " + host + " was refused: " + g_ssl.verify_error_string(verify);
    } else {
      *problem = "TLS handshake with " + host + " failed: " + LastError();
      *retryable = error == kErrorSyscall;
    }
    return nullptr;
  }
}

TlsStream::~TlsStream() { g_ssl.ssl_free(ssl_); }

TlsStream::Io TlsStream::Write(const char* data, size_t size) {
  int n = g_ssl.write(ssl_, data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
  if (n > 0) return {n};
  int error = g_ssl.get_error(ssl_, n);
  if (error == kWantRead) return {0, POLLIN};
  if (error == kWantWrite) return {0, POLLOUT};
  return {-1, 0, "sending over TLS failed: " + LastError()};
}

TlsStream::Io TlsStream::Read(char* buffer, size_t size) {
  int n = g_ssl.read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, 1 << 30)));
  if (n > 0) return {n};
  int error = g_ssl.get_error(ssl_, n);
  if (error == kWantRead) return {0, POLLIN};
  if (error == kWantWrite) return {0, POLLOUT};
  if (error == kZeroReturn || (error == kErrorSyscall && n == 0)) return {0};
  if (error == kErrorSsl || error == kErrorSyscall) return {-1, 0, "receiving over TLS failed: " + LastError()};
  return {-1, 0, "receiving over TLS failed"};
}

}  // namespace kvstore::storage::dynamodb
