// FDO 1.1 ownership vouchers: the public vectors behave as ../shared/vectors/README.md section 6
// says, vouchers iotonb makes survive three resales and prove ownership only for the last
// owner, and each rule of verification fails on its own when broken.
#include <gtest/gtest.h>

#include "artifact/fdo/credential.h"
#include "artifact/fdo/make.h"
#include "artifact/fdo/proof.h"
#include "artifact/fdo/rendezvous.h"
#include "artifact/fdo/verify.h"
#include "artifact/fdo/voucher.h"
#include "core/encoding.h"
#include "envelope/cose.h"
#include "pki/pki_test_util.h"

namespace iotonb::artifact::fdo {
namespace {

using test::must;
using core::cbor::Value;

const core::UnixTime kNow = 1798761600;  // 2027-01-01

OwnershipVoucher read_one(const std::string& path) {
  auto all = must(read_vouchers(test::read_bytes(path)), path);
  EXPECT_EQ(all.size(), 1u);
  return std::move(all.front());
}

// The first PEM block with this label in a file, as a private key.
core::EvpPkeyPtr pem_key(const std::string& path, const std::string& label) {
  auto text = test::read_text(path);
  for (auto& block : must(core::parse_pem(text), path))
    if (block.label == label) return must(pki::parse_private_key(block.der, nullptr), path);
  throw std::runtime_error(path + ": no " + label);
}

std::string failed(const Verification& v) {
  const Check* c = v.first_failure();
  return c ? c->name + ": " + c->detail : "";
}

const Check* find(const Verification& v, const std::string& name) {
  for (const auto& c : v.checks)
    if (c.name == name) return &c;
  return nullptr;
}

PublicKey key_of(EVP_PKEY* key) { return must(make_public_key(key, pk_encoding::x509), "make_public_key"); }

// --- Public vectors -----------------------------------------------------------------------

TEST(FdoVectors, GoFdoVoucherVerifiesWithItsCredentialAndTransfersWithTheManufacturerKey) {
  IOTONB_REQUIRE_VECTORS(dir);
  const std::string base = dir + "/fdo/go-fdo/";
  auto v = read_one(base + "ov.pem");
  EXPECT_EQ(v.header.device_info, "go.fdo.example");
  EXPECT_EQ(v.header.manufacturer_key.type, pk_type::secp384r1);
  EXPECT_TRUE(v.entries.empty());
  auto dc = must(decode_credential(test::read_bytes(base + "dc.bin")), "dc.bin");
  EXPECT_EQ(dc.layout, DeviceCredential::Layout::fdo_rs);
  EXPECT_EQ(dc.hmac_secret.size(), 32u);

  auto mfg = pem_key(base + "mfg_key.pem", "EC PRIVATE KEY");
  VerifyOptions opts;
  opts.credential = &dc;
  opts.manufacturer = mfg.get();
  opts.at = kNow;
  auto checked = verify(v, opts);
  EXPECT_TRUE(checked.ok()) << failed(checked);
  EXPECT_EQ(find(checked, "header-hmac")->result, CheckResult::pass);
  EXPECT_EQ(find(checked, "credential")->result, CheckResult::pass);
  EXPECT_EQ(find(checked, "device-chain-hash")->result, CheckResult::pass);
  EXPECT_EQ(find(checked, "device-chain")->result, CheckResult::pass);

  auto owner = test::new_key(pki::KeyType::p384);
  auto signer = pki::memory_signer(test::share(mfg.get()), "mfg_key.pem");
  auto sold = must(extend(v, *signer, key_of(owner.get())), "extend");
  opts.owner = owner.get();
  auto again = verify(must(decode_voucher(encode_voucher(sold)), "re-read"), opts);
  EXPECT_TRUE(again.ok()) << failed(again);
  EXPECT_EQ(find(again, "entry[0].signature")->result, CheckResult::pass);
}

TEST(FdoVectors, FdoRsVouchersVerifyAndTheOneWithItsOwnerKeyTransfers) {
  IOTONB_REQUIRE_VECTORS(dir);
  for (const char* name : {"voucher2", "voucher3"}) {
    auto v = read_one(dir + "/fdo/fdo-rs/v101/" + name);
    VerifyOptions opts;
    opts.at = kNow;
    auto checked = verify(v, opts);
    EXPECT_TRUE(checked.ok()) << name << ": " << failed(checked);
    EXPECT_EQ(v.entries.size(), std::string(name) == "voucher2" ? 2u : 1u);
    EXPECT_EQ(encode_voucher(v), must(core::parse_pem(test::read_text(dir + "/fdo/fdo-rs/v101/" + name)), name)[0].der)
        << name << ": re-encoding must give the octets back";
  }
  const std::string path = dir + "/fdo/fdo-rs/v101/voucher3";
  auto v = read_one(path);
  auto owner = pem_key(path, "EC PRIVATE KEY");
  auto next = test::new_key();
  auto signer = pki::memory_signer(test::share(owner.get()), "voucher3 key");
  auto sold = must(extend(v, *signer, key_of(next.get())), "extend voucher3");
  VerifyOptions opts;
  opts.at = kNow;
  opts.owner = next.get();
  auto checked = verify(sold, opts);
  EXPECT_TRUE(checked.ok()) << failed(checked);
  EXPECT_EQ(sold.entries.size(), 2u);
}

TEST(FdoVectors, Fdo10VoucherIsRefusedByVersion) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto r = read_vouchers(test::read_bytes(dir + "/fdo/fdo-rs/v100/voucher1"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unsupported protocol version 100"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().kind, ErrorKind::input);
}

// --- Vouchers iotonb makes -----------------------------------------------------------------

struct Device {
  Manufactured made;
  core::EvpPkeyPtr manufacturer;
};

Device manufacture_device(pki::KeyType type) {
  Device d;
  d.manufacturer = test::new_key(type);
  auto ca = test::make_root("CN=Device CA", 1767225600, 2082758400, type);
  auto leaf_key = test::new_key(type);
  auto leaf = test::make_cert("CN=device-0001", leaf_key.get(), pki::Profile::client, &ca, 1767225600, 2082758400);
  ManufactureOptions opts;
  opts.device_info = "acme-sensor";
  opts.rv_info = must(rendezvous_from_urls({"https://rv.example.com:8041", "http://192.0.2.7"}), "rv");
  opts.manufacturer_key = d.manufacturer.get();
  opts.device_chain = {pki::certificate_der(leaf.get()), pki::certificate_der(ca.cert.get())};
  d.made = must(manufacture(opts), "manufacture");
  return d;
}

class FdoRoundTrip : public ::testing::TestWithParam<pki::KeyType> {};

TEST_P(FdoRoundTrip, ThreeResalesVerifyAndOnlyTheLastOwnerProves) {
  const pki::KeyType type = GetParam();
  Device d = manufacture_device(type);
  const auto& dc = d.made.credential;
  SecretBytes encoded_dc = encode_credential(dc);
  auto decoded_dc = must(decode_credential(as_bytes(encoded_dc.view())), "dc");
  EXPECT_TRUE(decoded_dc.hmac_secret.equals(dc.hmac_secret));

  std::vector<core::EvpPkeyPtr> owners;
  owners.push_back(test::share(d.manufacturer.get()));
  OwnershipVoucher v = d.made.voucher;
  for (int sale = 0; sale < 3; ++sale) {
    auto next = test::new_key(type);
    auto signer = pki::memory_signer(test::share(owners.back().get()), "owner " + std::to_string(sale));
    v = must(extend(v, *signer, key_of(next.get())), "sale " + std::to_string(sale));
    v = must(decode_voucher(encode_voucher(v)), "re-read");
    owners.push_back(std::move(next));
  }
  ASSERT_EQ(v.entries.size(), 3u);
  VerifyOptions opts;
  opts.credential = &decoded_dc;
  opts.manufacturer = d.manufacturer.get();
  opts.owner = owners.back().get();
  opts.at = kNow;
  auto checked = verify(v, opts);
  EXPECT_TRUE(checked.ok()) << failed(checked);
  for (const auto& c : checked.checks) EXPECT_NE(c.result, CheckResult::fail) << c.name;

  Bytes nonce(16, 0x5a);
  for (std::size_t i = 0; i < owners.size(); ++i) {
    auto signer = pki::memory_signer(test::share(owners[i].get()), "owner " + std::to_string(i));
    if (i + 1 == owners.size()) {
      auto proof = must(prove(v, *signer, nonce), "prove");
      EXPECT_TRUE(check_proof(v, decoded_dc, proof, nonce, kNow).ok());
      Bytes other(16, 0x11);
      auto wrong_nonce = check_proof(v, decoded_dc, proof, other, kNow);
      ASSERT_FALSE(wrong_nonce.ok());
      EXPECT_NE(wrong_nonce.error().message.find("another nonce"), std::string::npos);
      continue;
    }
    // An earlier owner cannot even make a proof through prove(); a proof signed anyway
    // (by hand, over the same payload) is refused by the device.
    EXPECT_FALSE(prove(v, *signer, nonce).ok());
    Bytes payload = core::cbor::encode(Value::array({Value::bytes(v.header_bytes), Value::uint(v.entries.size()),
                                                     must(core::cbor::decode(v.hmac_encoded), "hmac"), Value::bytes(nonce)}));
    auto forged = must(envelope::cose::sign1(payload, *signer, {}), "sign");
    auto refused = check_proof(v, decoded_dc, forged, nonce, kNow);
    ASSERT_FALSE(refused.ok()) << "owner " << i;
    EXPECT_NE(refused.error().message.find("not signed by the voucher's current owner"), std::string::npos)
        << refused.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Curves, FdoRoundTrip, ::testing::Values(pki::KeyType::p256, pki::KeyType::p384));

// --- Each rule, broken on its own ----------------------------------------------------------

class FdoRules : public ::testing::Test {
 protected:
  void SetUp() override {
    d = manufacture_device(pki::KeyType::p256);
    keys.push_back(test::share(d.manufacturer.get()));
    v = d.made.voucher;
    for (int i = 0; i < 3; ++i) {
      auto next = test::new_key();
      auto signer = pki::memory_signer(test::share(keys.back().get()), "k");
      v = must(extend(v, *signer, key_of(next.get())), "extend");
      keys.push_back(std::move(next));
    }
  }

  Verification check(const OwnershipVoucher& voucher) {
    VerifyOptions opts;
    opts.credential = &d.made.credential;
    opts.at = kNow;
    return verify(voucher, opts);
  }

  Device d;
  std::vector<core::EvpPkeyPtr> keys;
  OwnershipVoucher v;
};

TEST_F(FdoRules, TheUntouchedVoucherVerifies) { EXPECT_TRUE(check(v).ok()) << failed(check(v)); }

TEST_F(FdoRules, SwappedEntriesBreakTheFirstLink) {
  auto swapped = v;
  std::swap(swapped.entries[0], swapped.entries[1]);
  auto r = check(must(decode_voucher(encode_voucher(swapped)), "re-read"));
  ASSERT_NE(r.first_failure(), nullptr);
  EXPECT_EQ(r.first_failure()->name, "entry[0].signature");
}

TEST_F(FdoRules, ATruncatedEntryIsUnreadable) {
  Bytes encoded = encode_voucher(v);
  encoded.resize(encoded.size() - 10);
  auto r = decode_voucher(encoded);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
}

TEST_F(FdoRules, AnotherDevicesSecretFailsTheHmacOnly) {
  Device other = manufacture_device(pki::KeyType::p256);
  VerifyOptions opts;
  opts.hmac_secret = &other.made.credential.hmac_secret;
  opts.at = kNow;
  auto r = verify(v, opts);
  ASSERT_NE(r.first_failure(), nullptr);
  EXPECT_EQ(r.first_failure()->name, "header-hmac");
  EXPECT_EQ(find(r, "entry[2].signature")->result, CheckResult::pass);
  // And its whole credential is another device's.
  auto c = check(v);
  EXPECT_TRUE(c.ok());
  opts.hmac_secret = nullptr;
  opts.credential = &other.made.credential;
  EXPECT_EQ(verify(v, opts).first_failure()->name, "header-hmac");
}

TEST_F(FdoRules, AnotherDeviceChainFailsTheChainHash) {
  auto swapped = v;
  Device other = manufacture_device(pki::KeyType::p256);
  swapped.cert_chain = other.made.voucher.cert_chain;
  auto r = check(swapped);
  ASSERT_NE(r.first_failure(), nullptr);
  EXPECT_EQ(r.first_failure()->name, "device-chain-hash");
  EXPECT_EQ(r.first_failure()->detail, "device certificate chain hash (SHA-256) does not match the chain");
}

TEST_F(FdoRules, ALegacyChainHashFailsOnExactlyThatCheck) {
  // The header hashes the CBOR array of certificates (FDO 1.0, older fdo-rs), and everything
  // else is made consistently over that header.
  Device legacy = manufacture_device(pki::KeyType::p256);
  auto& lv = legacy.made.voucher;
  core::cbor::Array certs;
  for (const Bytes& c : *lv.cert_chain) certs.push_back(Value::bytes(c));
  lv.header.cert_chain_hash = must(digest(hash_type::sha256, {core::cbor::encode(Value::array(std::move(certs)))}), "hash");
  lv.header_bytes = encode_header(lv.header);
  const auto& secret = legacy.made.credential.hmac_secret;
  lv.hmac = must(hmac(lv.hmac.type, ByteView(secret.data(), secret.size()), lv.header_bytes), "hmac");
  lv.hmac_encoded = core::cbor::encode(to_cbor(lv.hmac));
  auto signer = pki::memory_signer(test::share(legacy.manufacturer.get()), "mfg");
  auto next = test::new_key();
  auto sold = must(extend(lv, *signer, key_of(next.get())), "extend");
  VerifyOptions opts;
  opts.hmac_secret = &secret;
  opts.at = kNow;
  auto r = verify(sold, opts);
  std::vector<std::string> failures;
  for (const auto& c : r.checks)
    if (c.result == CheckResult::fail) failures.push_back(c.name);
  EXPECT_EQ(failures, std::vector<std::string>{"device-chain-hash"});
  EXPECT_NE(r.first_failure()->detail.find("CBOR array"), std::string::npos) << r.first_failure()->detail;
}

TEST_F(FdoRules, AKeyOfAnotherTypeIsRefusedWhenExtendingAndWhenVerifying) {
  auto p384 = test::new_key(pki::KeyType::p384);
  auto signer = pki::memory_signer(test::share(keys.back().get()), "owner");
  auto refused = extend(v, *signer, key_of(p384.get()));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::usage);
  EXPECT_NE(refused.error().message.find("SECP384R1"), std::string::npos) << refused.error().message;

  // The same entry signed by hand, as another tool might: verification names the key type.
  const std::int64_t sha = hash_type::sha256;
  Bytes payload = core::cbor::encode(Value::array({
      to_cbor(must(digest(sha, {v.entries.back().encoded}), "h")),
      to_cbor(must(digest(sha, {v.header.guid, as_bytes(v.header.device_info)}), "h")), Value::null(),
      to_cbor(key_of(p384.get()))}));
  envelope::cose::SignOptions opts;
  auto crafted = v;
  crafted.entries.push_back(must(decode_entry(must(envelope::cose::sign1(payload, *signer, opts), "sign"), "e"), "decode"));
  auto r = check(crafted);
  ASSERT_NE(r.first_failure(), nullptr);
  EXPECT_EQ(r.first_failure()->name, "entry[3].key-type");
}

TEST_F(FdoRules, OnlyTheCurrentOwnerCanTransfer) {
  auto next = test::new_key();
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    auto signer = pki::memory_signer(test::share(keys[i].get()), "earlier owner");
    auto r = extend(v, *signer, key_of(next.get()));
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.error().kind, ErrorKind::verification);
    EXPECT_NE(r.error().message.find("not the current owner's key"), std::string::npos) << r.error().message;
  }
}

TEST_F(FdoRules, AFlippedSignatureOctetIsNamed) {
  Bytes encoded = encode_voucher(v);
  encoded[encoded.size() - 1] ^= 1;  // the last entry's signature ends the voucher
  auto r = check(must(decode_voucher(encoded), "decode"));
  ASSERT_NE(r.first_failure(), nullptr);
  EXPECT_EQ(r.first_failure()->name, "entry[2].signature");
}

TEST_F(FdoRules, TrailingBytesOversizeAndDeepNestingAreInputErrors) {
  Bytes encoded = encode_voucher(v);
  encoded.push_back(0x00);
  auto trailing = decode_voucher(encoded);
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.error().message.find("trailing byte"), std::string::npos) << trailing.error().message;

  Bytes huge = core::cbor::array_head(5);
  huge.resize(kMaxVoucherSize + 1, 0x00);
  auto oversized = decode_voucher(huge);
  ASSERT_FALSE(oversized.ok());
  EXPECT_NE(oversized.error().message.find("limit"), std::string::npos) << oversized.error().message;

  Bytes deep = core::cbor::array_head(5);
  deep.insert(deep.end(), 1000, 0x81);  // nested arrays
  deep.push_back(0x00);
  auto nested = decode_voucher(deep);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("nesting"), std::string::npos) << nested.error().message;
}

TEST(FdoRendezvous, UrlsBecomeDirectivesAndBadOnesAreNamed) {
  auto rv = must(rendezvous_from_urls({"https://rv.example.com:8041", "http://[2001:db8::1]"}), "rv");
  auto described = describe_rendezvous(rv);
  ASSERT_EQ(described.size(), 2u);
  EXPECT_EQ(described[0][0]["variable"], "Dns");
  EXPECT_EQ(described[0][0]["value"], "rv.example.com");
  EXPECT_EQ(described[0][1]["value"], 8041);
  EXPECT_EQ(described[0][3]["value"], "https");
  EXPECT_EQ(described[1][0]["value"], "2001:db8::1");
  EXPECT_EQ(described[1][1]["value"], 80);
  for (const char* bad : {"ftp://x", "https://", "https://a:0", "https://a:99999", "https://a b", "https://a/path"}) {
    auto r = rendezvous_from_urls({bad});
    EXPECT_FALSE(r.ok()) << bad;
  }
}

}  // namespace
}  // namespace iotonb::artifact::fdo
