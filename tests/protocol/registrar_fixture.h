// A throwaway BRSKI world for the registrar and EST tests: a manufacturer CA with a pledge's
// IDevID (serialNumber SN-0001), an owner domain CA with the registrar's TLS certificate
// (cmcRA), a registrar store in a temporary folder, pledge voucher requests signed with the
// IDevID, and a MASA stand-in that answers what the test tells it to.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <unistd.h>

#include "artifact/signed_voucher.h"
#include "artifact/voucher_inputs.h"
#include "core/encoding.h"
#include "pki/csr.h"
#include "pki/pki_test_util.h"
#include "protocol/brski/authorization.h"
#include "protocol/brski/registrar.h"
#include "protocol/est/est_server.h"
#include "store/registrar_store.h"

namespace iotonb::test {

inline constexpr core::UnixTime kTestNow = 1785499200;  // 2026-07-31T12:00:00Z

struct FakeMasa : protocol::brski::MasaConnector {
  std::function<Result<protocol::brski::MasaAnswer>(const std::string& uri, const std::string& body)> answer;
  int calls = 0;
  std::string last_uri, last_content_type, last_body;
  Result<protocol::brski::MasaAnswer> post(const std::string& masa_uri, const std::string& path, const std::string& content_type,
                                           const std::string& body, const std::string&) override {
    ++calls;
    last_uri = masa_uri + path;
    last_content_type = content_type;
    last_body = body;
    return answer(masa_uri, body);
  }
};

struct BrskiWorld : ::testing::Test {
  void SetUp() override {
    manufacturer = make_root("C=US,O=Maker,CN=Maker Root");
    owner = make_root("C=US,O=Owner,CN=Owner Domain CA");
    idevid_key = new_key();
    idevid = make_cert("O=Maker,CN=Widget,serialNumber=SN-0001", idevid_key.get(), pki::Profile::client, &manufacturer,
                       at("2026-01-02T00:00:00Z"), at("2035-01-01T00:00:00Z"), {0x51});
    registrar_key = new_key();
    registrar_cert = make_cert("O=Owner,CN=registrar", registrar_key.get(), pki::Profile::registrar, &owner,
                               at("2026-01-02T00:00:00Z"), at("2030-01-01T00:00:00Z"), {0x61});
    registrar_signer = pki::memory_signer(share(registrar_key.get()), "memory:registrar");
    domain_ca = owner.issuing();

    dir = std::filesystem::temp_directory_path() /
          ("brski-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = must(store::RegistrarStore::open((dir / "registrar.db").string()), "store");

    protocol::brski::RegistrarSettings s;
    s.tls_certificate = registrar_cert.get();
    s.signer = registrar_signer.get();
    s.manufacturer_trust = {manufacturer.cert.get()};
    s.masa_url = "https://masa.example:9443/.well-known/brski";
    registrar = std::make_unique<protocol::brski::Registrar>(s, *store, masa);

    protocol::est::EstSettings e;
    e.domain_ca = &domain_ca;
    e.manufacturer_trust = {manufacturer.cert.get()};
    est = std::make_unique<protocol::est::EstServer>(e, *store);
  }
  void TearDown() override {
    est.reset();
    registrar.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }

  void allow(const std::string& serial = "SN-0001") {
    must(store->allow({{serial, protocol::brski::certificate_sha256_hex(idevid.get()), "purchase-1", "Owner", kTestNow}}),
         "allow");
  }

  // A pledge voucher request, signed with the IDevID (or `signer_key`), naming `proximity`.
  Bytes pledge_request(const Bytes& nonce, const X509* proximity = nullptr, const std::string& serial = "SN-0001",
                       artifact::VoucherForm form = artifact::VoucherForm::cms, EVP_PKEY* signer_key = nullptr,
                       const X509* signer_cert = nullptr) {
    artifact::Voucher v(artifact::VoucherKind::request);
    v.set_text("created-on", core::format_rfc3339(kTestNow));
    v.set_text("assertion", "proximity");
    v.set_text("serial-number", serial);
    v.set_bytes("nonce", nonce);
    v.set_bytes("proximity-registrar-cert", pki::certificate_der(proximity ? proximity : registrar_cert.get()));
    auto signer = pki::memory_signer(share(signer_key ? signer_key : idevid_key.get()), "memory:idevid");
    artifact::VoucherSignOptions o;
    o.form = form;
    o.certificate = signer_cert ? signer_cert : idevid.get();
    return must(artifact::sign_voucher(v, *signer, o), "sign pledge request");
  }

  protocol::brski::BrskiRequest brski(const Bytes& body, std::string content_type = "application/voucher-cms+json") {
    protocol::brski::BrskiRequest r;
    r.content_type = std::move(content_type);
    r.accept = r.content_type;
    r.body.assign(body.begin(), body.end());
    r.peer_certificates = {idevid.get()};
    r.at = kTestNow;
    return r;
  }

  // A voucher as a MASA would make it (signed by the manufacturer root key here).
  Bytes masa_voucher(const Bytes& nonce) {
    artifact::Voucher v(artifact::VoucherKind::voucher);
    v.set_text("created-on", core::format_rfc3339(kTestNow));
    v.set_text("assertion", "logged");
    v.set_text("serial-number", "SN-0001");
    v.set_bytes("nonce", nonce);
    v.set_bytes("pinned-domain-cert", pki::certificate_der(owner.cert.get()));
    auto signer = pki::memory_signer(share(manufacturer.key.get()), "memory:masa");
    artifact::VoucherSignOptions o;
    o.certificate = manufacturer.cert.get();
    return must(artifact::sign_voucher(v, *signer, o), "sign voucher");
  }

  // Base64 of a DER CSR for subject, signed by key.
  std::string csr_body(const std::string& subject, EVP_PKEY* key) {
    auto name = must(pki::parse_name(subject), "subject");
    auto signer = pki::memory_signer(share(key), "memory:csr");
    auto csr = must(pki::create_csr({name.get(), {}}, *signer), "csr");
    return protocol::est::encode_base64_body(pki::csr_der(csr.get()));
  }

  protocol::est::EstRequest est_request(std::string body, const X509* client) {
    protocol::est::EstRequest r;
    r.content_type = "application/pkcs10";
    r.body = std::move(body);
    if (client) r.peer_certificates = {client};
    r.at = kTestNow;
    return r;
  }

  TestCa manufacturer, owner;
  core::EvpPkeyPtr idevid_key, registrar_key;
  core::X509Ptr idevid, registrar_cert;
  std::unique_ptr<pki::Signer> registrar_signer;
  pki::IssuingCa domain_ca;
  std::filesystem::path dir;
  std::unique_ptr<store::RegistrarStore> store;
  FakeMasa masa;
  std::unique_ptr<protocol::brski::Registrar> registrar;
  std::unique_ptr<protocol::est::EstServer> est;
};

}  // namespace iotonb::test
