#include "storage/dynamodb/http_client.h"
#include "storage/dynamodb/http_proxy.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

namespace kvstore::storage::dynamodb {
namespace {

// The libcurl entry points used; curl.h supplies only types and constants.
struct Curl {
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  CURLcode (*global_init)(long) = nullptr;
};

Curl g_curl;
Status g_status = Status::IoError("libcurl was not loaded");
std::once_flag g_once;

template <typename F>
bool Bind(void* lib, const char* name, F& fn) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  return fn != nullptr;
}

void Load() {
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    g_status = Status::IoError(std::string("the DynamoDB store needs libcurl (Debian: libcurl4): ") + dlerror());
    return;
  }
  bool ok = Bind(lib, "curl_easy_init", g_curl.easy_init) && Bind(lib, "curl_easy_setopt", g_curl.easy_setopt) &&
            Bind(lib, "curl_easy_perform", g_curl.easy_perform) && Bind(lib, "curl_easy_getinfo", g_curl.easy_getinfo) &&
            Bind(lib, "curl_easy_cleanup", g_curl.easy_cleanup) && Bind(lib, "curl_easy_strerror", g_curl.easy_strerror) &&
            Bind(lib, "curl_slist_append", g_curl.slist_append) && Bind(lib, "curl_slist_free_all", g_curl.slist_free_all) &&
            Bind(lib, "curl_global_init", g_curl.global_init);
  if (!ok) {
    g_status = Status::IoError("libcurl.so.4 lacks a function kvstore needs");
    return;
  }
  g_curl.global_init(CURL_GLOBAL_DEFAULT);
  g_status = Status::Ok();
}

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

bool IsRetryable(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return false;
    default:
      return true;
  }
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(CURL* handle, HttpOptions options) : handle_(handle), options_(std::move(options)) {}
  ~CurlHttpClient() override { g_curl.easy_cleanup(handle_); }
  std::optional<HttpResponse> Send(const HttpRequest& request, TransportError* error) override;

 private:
  CURL* handle_;
  HttpOptions options_;
};

std::optional<HttpResponse> CurlHttpClient::Send(const HttpRequest& request, TransportError* error) {
  CURL* curl = handle_;
  curl_slist* list = nullptr;
  for (const std::string& h : request.headers) list = g_curl.slist_append(list, h.c_str());
  list = g_curl.slist_append(list, "Expect:");  // no 100-continue round trip
  HttpResponse response;
  g_curl.easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // The proxy http_proxy.h chose ("" = none), not curl's own reading of the
  // environment, so that both transports agree.
  std::optional<Proxy> proxy = ProxyFor(request.url, [](const char* name) { return std::getenv(name); });
  g_curl.easy_setopt(curl, CURLOPT_PROXY, proxy ? proxy->url.c_str() : "");
  if (request.method == "GET") {
    g_curl.easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    g_curl.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
  } else {
    g_curl.easy_setopt(curl, CURLOPT_POST, 1L);
    g_curl.easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    g_curl.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    g_curl.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method == "POST" ? nullptr : request.method.c_str());
  }
  g_curl.easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  g_curl.easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  g_curl.easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  g_curl.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  Millis timeout = std::min(request.timeout.value_or(options_.request_timeout), options_.request_timeout);
  g_curl.easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, timeout.count())));
  g_curl.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  g_curl.easy_setopt(curl, CURLOPT_FRESH_CONNECT, request.fresh_connection ? 1L : 0L);
  g_curl.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  g_curl.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_bundle.empty()) {
    g_curl.easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    g_curl.easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  } else {
    // The hashed directory: OpenSSL reads only the certificates it needs.
    g_curl.easy_setopt(curl, CURLOPT_CAINFO, nullptr);
    g_curl.easy_setopt(curl, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  CURLcode code = g_curl.easy_perform(curl);
  g_curl.slist_free_all(list);
  if (code != CURLE_OK) {
    bool never_sent = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                      code == CURLE_COULDNT_RESOLVE_PROXY;
    *error = TransportError{g_curl.easy_strerror(code), IsRetryable(code), !never_sent};
    return std::nullopt;
  }
  g_curl.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace

Result<std::unique_ptr<HttpClient>> CreateCurlHttpClient(const HttpOptions& options) {
  std::call_once(g_once, Load);
  if (!g_status.ok()) return g_status;
  CURL* handle = g_curl.easy_init();
  if (handle == nullptr) return Status::IoError("libcurl could not start");
  return std::unique_ptr<HttpClient>(new CurlHttpClient(handle, options));
}

}  // namespace kvstore::storage::dynamodb
