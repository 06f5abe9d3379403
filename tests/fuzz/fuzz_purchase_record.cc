// Fuzzes the purchase record reader (lib/artifact/purchase_record.h): input starting like
// DER goes to verify_purchase_record as a file; anything else becomes the content of a CMS
// SignedData signed by a key made once, so the JSON reader behind the signature check is
// reached too. Any input either fails cleanly or gives a record that signs and reads back
// the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "artifact/purchase_record.h"
#include "envelope/cms.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/profile.h"

using namespace iotonb;

namespace {

struct Maker {
  core::EvpPkeyPtr key;
  core::X509Ptr cert;
  std::unique_ptr<pki::Signer> signer;
};

const Maker& maker() {
  static const Maker m = [] {
    Maker out;
    out.key = std::move(pki::generate_key(pki::KeyType::p256)).value();
    EVP_PKEY_up_ref(out.key.get());
    out.signer = pki::memory_signer(core::EvpPkeyPtr(out.key.get()), "memory:fuzz");
    pki::CertificateSpec spec;
    spec.subject = std::move(pki::parse_name("CN=Fuzz Maker")).value();
    spec.public_key = out.key.get();
    spec.serial = {0x01};
    spec.not_before = 0;
    spec.not_after = 4102444800;
    spec.extensions = std::move(pki::profile_extensions(pki::Profile::root, out.key.get(), {})).value();
    out.cert = std::move(pki::issue_certificate(std::move(spec), nullptr, *out.signer)).value();
    return out;
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Maker& m = maker();
  const std::vector<const X509*> trust = {m.cert.get()};
  const core::UnixTime at = 1795780800;
  ByteView input(data, size);
  Bytes file;
  if (size > 0 && data[0] == 0x30) {
    file.assign(data, data + size);
  } else {
    envelope::cms::SignOptions o;
    o.content_type = envelope::cms::kIdData;
    o.signing_time = at;
    auto signed_file = envelope::cms::sign(input, *m.signer, m.cert.get(), o);
    if (!signed_file) return 0;
    file = std::move(signed_file).value();
  }
  auto record = artifact::verify_purchase_record(file, trust, at);
  if (!record) return 0;
  auto again = artifact::sign_purchase_record(*record, *m.signer, m.cert.get(), {});
  if (!again) std::abort();
  auto back = artifact::verify_purchase_record(*again, trust, at);
  if (!back || back->devices.size() != record->devices.size() || back->owner != record->owner) std::abort();
  return 0;
}
