// A whole onboarding world on loopback for the end-to-end tests and the benchmark: a
// manufacturer (root CA that issues IDevIDs, a MASA with its voucher-signing and TLS
// certificates), an owner (domain CA, registrar certificate with cmcRA), devices with their
// birth identities in state folders, the purchase record that sells them, and the MASA and
// registrar services started from configuration files written here, with real TLS and real
// SQLite stores in a temporary folder.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "artifact/purchase_record.h"
#include "core/encoding.h"
#include "pki/idevid.h"
#include "pki/pki_test_util.h"
#include "service/enroll.h"
#include "service/masa_service.h"
#include "service/registrar_service.h"

namespace iotonb::test {

inline constexpr core::UnixTime kWorldFrom = 1767225600;  // 2026-01-01
inline constexpr core::UnixTime kWorldTo = 2082758400;    // 2036-01-01

struct Device {
  std::string serial;
  std::string state_dir;  // holds idevid.crt and idevid.key, as `idevid mint` leaves them
  core::X509Ptr idevid;
  core::EvpPkeyPtr key;
};

class OnboardingWorld {
 public:
  // name: a folder name under the system temporary folder, unique per test. devices_root: where
  // the devices' state folders go instead of this world's folder (the benchmark puts them on
  // tmpfs, standing in for each device's own flash).
  explicit OnboardingWorld(const std::string& name, const std::filesystem::path& devices_root = {})
      : dir_(std::filesystem::temp_directory_path() / ("iotonb-e2e-" + std::to_string(::getpid()) + "-" + name)),
        devices_dir_(devices_root.empty() ? dir_ / "devices"
                                          : devices_root / ("iotonb-e2e-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(devices_dir_);
    std::filesystem::create_directories(dir_);
    maker = make_root("C=US,O=Example Devices,CN=Example Devices Root CA");
    masa_signer_key = new_key();
    masa_signer = make_cert("O=Example Devices,CN=Example MASA voucher signer", masa_signer_key.get(),
                            pki::Profile::masa, &maker, kWorldFrom, kWorldTo, {0x51});
    masa_tls_key = new_key();
    masa_tls = make_cert("O=Example Devices,CN=localhost", masa_tls_key.get(), pki::Profile::server, &maker,
                         kWorldFrom, kWorldTo, {0x52}, loopback_sans());
    domain = make_root("C=US,O=Example Owner,CN=Example Owner Domain CA");
    registrar_key = new_key();
    registrar_cert = make_cert("O=Example Owner,CN=registrar.example", registrar_key.get(), pki::Profile::registrar,
                               &domain, kWorldFrom, kWorldTo, {0x61}, loopback_sans());
    write_identity("maker", maker.cert.get(), maker.key.get());
    write_identity("masa-signer", masa_signer.get(), masa_signer_key.get());
    write_identity("masa-tls", masa_tls.get(), masa_tls_key.get());
    write_identity("domain-ca", domain.cert.get(), domain.key.get());
    write_identity("registrar", registrar_cert.get(), registrar_key.get());
  }
  ~OnboardingWorld() {
    if (registrar) registrar->stop();
    if (masa) masa->stop();
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(devices_dir_);
  }
  OnboardingWorld(const OnboardingWorld&) = delete;
  OnboardingWorld& operator=(const OnboardingWorld&) = delete;

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void start_masa(const std::string& extra_yaml = "") {
    write("masa.yaml",
          "listen: {address: 127.0.0.1, port: 0}\n"
          "tls: {cert: masa-tls.crt, key: masa-tls.key}\n"
          "voucher-signer: {cert: masa-signer.crt, key: masa-signer.key}\n"
          "manufacturer-trust: maker.crt\n"
          "store: masa.sqlite\n" +
              extra_yaml);
    masa = must(service::MasaService::create(must(service::load_masa_config(path("masa.yaml")), "masa.yaml")), "masa");
    must(masa->start(), "masa start");
  }

  // The registrar finds the MASA through the devices' MASA URL extension unless
  // masa_url_override is set.
  void start_registrar(const std::string& masa_url_override = "", const std::string& extra_yaml = "") {
    std::string masa_yaml = "masa: {trust: maker.crt" + (masa_url_override.empty() ? "" : ", url: " + masa_url_override) + "}\n";
    write("registrar.yaml",
          "listen: {address: 127.0.0.1, port: 0}\n"
          "tls: {cert: registrar.crt, key: registrar.key}\n"
          "domain-ca: {cert: domain-ca.crt, key: domain-ca.key}\n"
          "manufacturer-trust: maker.crt\n" +
              masa_yaml +
              "store: registrar.sqlite\n"
              "network: {network-id: example-iot, authentication: eap-tls, segment: thermostats, quarantine-segment: quarantine}\n" +
              extra_yaml);
    registrar = must(service::RegistrarService::create(must(service::load_registrar_config(path("registrar.yaml")), "registrar.yaml")),
                     "registrar");
    must(registrar->start(), "registrar start");
  }

  // A device with its birth identity; its MASA URL names the running MASA (authority form,
  // as RFC 8995 2.3.2 and the public vectors write it); mud_url, when given, its MUD URL.
  Device& add_device(const std::string& serial, const std::string& mud_url = "") {
    Device d;
    d.serial = serial;
    d.state_dir = (devices_dir_ / serial).string();
    std::filesystem::create_directories(d.state_dir);
    d.key = new_key();
    pki::IdevidRequest request;
    request.device_serial = serial;
    request.cert_serial = {0x0d, static_cast<unsigned char>(devices.size() >> 8), static_cast<unsigned char>(devices.size())};
    request.not_before = kWorldFrom;
    if (masa) request.masa_url = "127.0.0.1:" + std::to_string(masa->port());
    request.mud_url = mud_url;
    auto ca = maker.issuing();
    d.idevid = must(pki::issue_idevid(request, d.key.get(), ca), "idevid " + serial);
    std::ofstream(d.state_dir + "/idevid.crt", std::ios::binary) << pki::certificate_pem(d.idevid.get());
    std::ofstream(d.state_dir + "/idevid.key", std::ios::binary) << must(pki::private_key_to_pem(d.key.get(), nullptr), "key");
    devices.push_back(std::make_unique<Device>(std::move(d)));
    return *devices.back();
  }

  // The purchase record for these devices, signed by the manufacturer, as the supply chain
  // hands it to the MASA and the owner.
  Bytes purchase_record(const std::vector<const Device*>& sold, const TestCa* owner_domain = nullptr) const {
    artifact::PurchaseRecord record;
    record.id = "purchase-" + std::to_string(sold.size()) + "-" + (sold.empty() ? "" : sold.front()->serial);
    record.manufacturer = "Example Devices";
    record.owner = "Example Owner";
    record.domain_ca_der = pki::certificate_der((owner_domain ? owner_domain : &domain)->cert.get());
    for (const Device* d : sold) {
      record.devices.push_back({d->serial, core::to_hex(pki::certificate_fingerprint(d->idevid.get(), EVP_sha256()))});
    }
    record.created_on = core::now();
    auto signer = pki::memory_signer(share(maker.key.get()), "memory:maker");
    return must(artifact::sign_purchase_record(record, *signer, maker.cert.get(), {}), "purchase record");
  }

  // Sells the devices: the MASA's ownership records and the registrar's allow-list, both from
  // the verified purchase record. at_masa / at_registrar leave one side out (refusal tests).
  void sell(const std::vector<const Device*>& sold, bool at_masa = true, bool at_registrar = true,
            const TestCa* owner_domain = nullptr) {
    Bytes file = purchase_record(sold, owner_domain);
    auto record = must(artifact::verify_purchase_record(file, {maker.cert.get()}, core::now()), "verify purchase");
    if (at_masa) {
      std::vector<store::OwnershipRecord> owned;
      for (const auto& d : record.devices) {
        owned.push_back({d.serial, d.idevid_sha256, record.domain_ca_der, record.owner, record.id, core::now()});
      }
      must(masa->store().claim(owned), "claim");
    }
    if (at_registrar) {
      std::vector<store::AllowEntry> allowed;
      for (const auto& d : record.devices) allowed.push_back({d.serial, d.idevid_sha256, record.id, record.owner, core::now()});
      must(registrar->store().allow(allowed), "allow");
    }
  }

  service::EnrollOptions enroll_options(const Device& d, const std::string& registrar_url = "") const {
    service::EnrollOptions o;
    o.registrar_url = registrar_url.empty() ? registrar->url() : registrar_url;
    o.state_dir = d.state_dir;
    o.masa_trust = {maker.cert.get()};
    o.transport.max_retries = 3;
    o.transport.first_retry_wait_ms = 20;
    return o;
  }

  TestCa maker, domain;
  core::EvpPkeyPtr masa_signer_key, masa_tls_key, registrar_key;
  core::X509Ptr masa_signer, masa_tls, registrar_cert;
  std::unique_ptr<service::MasaService> masa;
  std::unique_ptr<service::RegistrarService> registrar;
  std::vector<std::unique_ptr<Device>> devices;

 private:
  static pki::ProfileOptions loopback_sans() {
    pki::ProfileOptions o;
    o.sans = {"IP:127.0.0.1", "DNS:localhost"};
    return o;
  }
  void write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::ofstream((dir_ / name).string(), std::ios::binary) << text;
  }
  void write_identity(const std::string& stem, const X509* cert, EVP_PKEY* key) const {
    write(stem + ".crt", pki::certificate_pem(cert));
    write(stem + ".key", must(pki::private_key_to_pem(key, nullptr), "key pem"));
  }

  std::filesystem::path dir_;
  std::filesystem::path devices_dir_;
};

}  // namespace iotonb::test
