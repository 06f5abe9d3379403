#include "pki/verify.h"

#include <openssl/x509v3.h>

#include <string_view>

#include "core/time.h"
#include "pki/name.h"

namespace iotonb::pki {

Result<std::vector<core::X509Ptr>> verify_chain(const X509* cert, const ChainCheck& check) {
  if (check.trust.empty()) return usage_error("no trust anchor given");
  core::X509StorePtr store(X509_STORE_new());
  for (const X509* anchor : check.trust) X509_STORE_add_cert(store.get(), const_cast<X509*>(anchor));
  core::X509StackPtr untrusted(sk_X509_new_null());
  for (const X509* c : check.untrusted) {
    X509_up_ref(const_cast<X509*>(c));
    sk_X509_push(untrusted.get(), const_cast<X509*>(c));
  }
  core::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(cert), untrusted.get()))
    return internal_error("cannot set up verification: " + core::openssl_errors());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(check.at));
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    std::string message = X509_verify_cert_error_string(err);
    if (X509* at_fault = X509_STORE_CTX_get_current_cert(ctx.get()))
      message += " (certificate " + name_to_string(X509_get_subject_name(at_fault)) + ")";
    message += " at " + core::format_rfc3339(check.at);
    core::openssl_errors();
    return verify_error(message);
  }
  std::vector<core::X509Ptr> path;
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* c = sk_X509_value(chain, i);
    X509_up_ref(c);
    path.emplace_back(c);
  }
  return path;
}

bool has_extended_key_usage(const X509* cert, const char* oid) {
  core::OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    char text[80];
    if (OBJ_obj2txt(text, sizeof text, sk_ASN1_OBJECT_value(eku.get(), i), 1) > 0 && std::string_view(text) == oid)
      return true;
  }
  return false;
}

}  // namespace iotonb::pki
