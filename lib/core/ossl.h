// RAII owners for OpenSSL handles, so no business code calls a *_free function, plus the one
// place that turns OpenSSL's error queue into a message.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "core/bytes.h"

namespace iotonb::core {

template <typename T, void (*Free)(T*)>
struct OsslDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OsslPtr = std::unique_ptr<T, OsslDeleter<T, Free>>;

inline void free_x509_stack(STACK_OF(X509)* s) { sk_X509_pop_free(s, X509_free); }
inline void free_ossl_string(char* s) { OPENSSL_free(s); }
inline void free_ossl_bytes(unsigned char* s) { OPENSSL_free(s); }
inline void free_gens(GENERAL_NAMES* g) { GENERAL_NAMES_free(g); }
inline void free_ext_stack(STACK_OF(X509_EXTENSION)* s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }

using EvpPkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = OsslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using X509Ptr = OsslPtr<X509, X509_free>;
using X509ReqPtr = OsslPtr<X509_REQ, X509_REQ_free>;
using X509NamePtr = OsslPtr<X509_NAME, X509_NAME_free>;
using X509ExtPtr = OsslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using X509StorePtr = OsslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OsslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509StackPtr = OsslPtr<STACK_OF(X509), free_x509_stack>;
using BioPtr = OsslPtr<BIO, BIO_free_all>;
using BignumPtr = OsslPtr<BIGNUM, BN_free>;
using Asn1IntegerPtr = OsslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = OsslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetStringPtr = OsslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1StringPtr = OsslPtr<ASN1_STRING, ASN1_STRING_free>;
using Asn1TimePtr = OsslPtr<ASN1_TIME, ASN1_TIME_free>;
using Asn1TypePtr = OsslPtr<ASN1_TYPE, ASN1_TYPE_free>;
using X509ExtStackPtr = OsslPtr<STACK_OF(X509_EXTENSION), free_ext_stack>;
using GeneralNamesPtr = OsslPtr<GENERAL_NAMES, free_gens>;
using GeneralNamePtr = OsslPtr<GENERAL_NAME, GENERAL_NAME_free>;
using EcdsaSigPtr = OsslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using CmsContentInfoPtr = OsslPtr<CMS_ContentInfo, CMS_ContentInfo_free>;
using OsslStringPtr = OsslPtr<char, free_ossl_string>;
using OsslBytesPtr = OsslPtr<unsigned char, free_ossl_bytes>;

// The provider's implementation of a built-in digest (EVP_sha256() and its kin), fetched once
// per process. OpenSSL 3 fetches one afresh, under the provider store's locks, every time a
// legacy EVP_MD is used (implicit fetch, crypto(7) "Performance"), which costs about as much
// as hashing a certificate; a fetched EVP_MD is immutable and shared by every thread. An
// already fetched digest, or one without a cached counterpart, is returned as it is.
const EVP_MD* fetched_digest(const EVP_MD* md);

// Drains OpenSSL's thread-local error queue into one line ("" when it is empty).
std::string openssl_errors();

// A read-only memory BIO over bytes (the bytes must outlive the BIO).
BioPtr memory_bio(ByteView data);
// Everything written into a memory BIO so far.
Bytes bio_contents(BIO* bio);

}  // namespace iotonb::core
