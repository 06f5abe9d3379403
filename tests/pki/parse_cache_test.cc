// lib/pki/parse_cache.h: one parse per DER, shared; remember_certificate makes a certificate
// parsed elsewhere (a TLS peer's) the one a later parse of the same DER returns.
#include "pki/parse_cache.h"

#include <gtest/gtest.h>

#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::must;

TEST(ParseCache, SameDerGivesTheSameObject) {
  test::TestCa root = test::make_root();
  Bytes der = certificate_der(root.cert.get());
  auto first = must(parse_certificate_der_cached(der), "parse");
  auto again = must(parse_certificate_der_cached(der), "parse again");
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(X509_cmp(first.get(), root.cert.get()), 0);
}

TEST(ParseCache, RememberedCertificateIsReturnedForItsDer) {
  test::TestCa root = test::make_root("CN=Remembered Root");
  remember_certificate(root.cert.get());
  auto parsed = must(parse_certificate_der_cached(certificate_der(root.cert.get())), "parse");
  EXPECT_EQ(parsed.get(), root.cert.get());
}

TEST(ParseCache, RefusesMalformedAndTrailingOctets) {
  test::TestCa root = test::make_root();
  Bytes der = certificate_der(root.cert.get());
  Bytes longer = der;
  longer.push_back(0);
  auto trailing = parse_certificate_der_cached(longer);
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.error().message.find("trailing"), std::string::npos) << trailing.error().message;
  der.resize(der.size() / 2);
  EXPECT_FALSE(parse_certificate_der_cached(der).ok());
}

}  // namespace
}  // namespace iotonb::pki
