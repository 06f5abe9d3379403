// An EC key from a JWK (RFC 7518 6.2), as the cose-wg/Examples vectors give their keys; shared
// by the COSE envelope tests and the attestation token tests that run the same vectors.
#pragma once

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "core/encoding.h"
#include "core/ossl.h"
#include "pki/pki_test_util.h"

namespace iotonb::test {

// Public from x and y, private too when with_private.
inline core::EvpPkeyPtr jwk_key(const nlohmann::json& jwk, bool with_private = false) {
  using ParamBldPtr = core::OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
  using ParamsPtr = core::OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;
  std::string crv = jwk.at("crv");
  std::string group = crv == "P-256" ? "prime256v1" : crv == "P-384" ? "secp384r1" : "secp521r1";
  Bytes point = {0x04};
  for (const char* coordinate : {"x", "y"}) {
    Bytes c = must(core::from_base64(jwk.at(coordinate).get<std::string>()), coordinate);
    point.insert(point.end(), c.begin(), c.end());
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  core::BignumPtr d;
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    throw std::runtime_error("OSSL_PARAM_BLD");
  if (with_private) {
    Bytes dd = must(core::from_base64(jwk.at("d").get<std::string>()), "d");
    d.reset(BN_bin2bn(dd.data(), static_cast<int>(dd.size()), nullptr));
    if (!d || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1)
      throw std::runtime_error("OSSL_PARAM_BLD d");
  }
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  core::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw std::runtime_error("EVP_PKEY_fromdata: " + core::openssl_errors());
  return core::EvpPkeyPtr(key);
}

}  // namespace iotonb::test
