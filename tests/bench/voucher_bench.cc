// Voucher signing and verification throughput for each envelope (P-256), next to the raw
// P-256 ECDSA sign and verify rate measured in the same run (CONVENTIONS.md: a benchmark
// prints the bound it is compared with). Not a test: nothing here asserts on time.
//
//   voucher_bench [--seconds S]     (S: seconds per figure, default 2)
//
// The raw rate is OpenSSL at its best, as `openssl speed ecdsap256` measures it: one
// context reused, EVP_PKEY_sign/verify over a precomputed SHA-256 digest. Each voucher
// figure and its raw bound are measured in alternating 50 ms slices, so the ratio holds on
// a machine whose load changes during the run. The voucher
// figures are the library calls the command line makes: sign_voucher() with a MASA
// certificate, and verify_voucher() on the signed bytes:
//   - COSE "known key": the MASA public key pinned as the trust (no certificate path);
//   - CMS "with chain": signature, then the MASA certificate's path to its root.
// Targets (issue 3): COSE verify >= 70% of raw verify; CMS verify with chain >= 30%.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "artifact/signed_voucher.h"
#include "artifact/voucher_verify.h"
#include "bench/bench_util.h"
#include "core/ossl.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/profile.h"

namespace {

using namespace iotonb;
using bench::must;
using bench::report;

double seconds_per_case = 2.0;

core::X509Ptr make_cert(const char* subject, EVP_PKEY* key, pki::Profile profile, const X509* issuer, EVP_PKEY* issuer_key,
                        std::uint8_t serial) {
  pki::CertificateSpec spec;
  spec.subject = must(pki::parse_name(subject), "name");
  spec.public_key = key;
  spec.serial = {0x01, serial};  // unique per issuer: CMS names its signer by issuer and serial
  spec.not_before = core::now() - 3600;
  spec.not_after = core::now() + 86400 * 365;
  spec.extensions = must(pki::profile_extensions(profile, key, {}), "extensions");
  EVP_PKEY_up_ref(issuer_key);
  auto signer = pki::memory_signer(core::EvpPkeyPtr(issuer_key), "memory:issuer");
  return must(pki::issue_certificate(std::move(spec), issuer, *signer), "certificate");
}

std::pair<double, double> paired_rates(const std::function<bool()>& a, const std::function<bool()>& b) {
  return bench::paired_rates(a, b, seconds_per_case);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds_per_case = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: voucher_bench [--seconds S]\n");
      return 2;
    }
  }
  auto root_key = must(pki::generate_key(pki::KeyType::p256), "key");
  auto masa_key = must(pki::generate_key(pki::KeyType::p256), "key");
  auto registrar_key = must(pki::generate_key(pki::KeyType::p256), "key");
  auto root = make_cert("CN=Bench Root", root_key.get(), pki::Profile::root, nullptr, root_key.get(), 1);
  auto masa = make_cert("CN=Bench MASA", masa_key.get(), pki::Profile::masa, root.get(), root_key.get(), 2);
  auto registrar = make_cert("CN=Bench Registrar", registrar_key.get(), pki::Profile::registrar, root.get(), root_key.get(), 3);
  EVP_PKEY_up_ref(masa_key.get());
  auto signer = pki::memory_signer(core::EvpPkeyPtr(masa_key.get()), "memory:masa");

  // 1. The bound: raw ES256 with the MASA's key (bench_util.h).
  bench::RawEcdsa raw_ecdsa(masa_key.get());
  auto raw_sign_op = [&] { return raw_ecdsa.sign(); };
  auto raw_verify_op = [&] { return raw_ecdsa.verify(); };

  // The pinned key as `voucher verify --trust masa.pub` has it: the public key alone, read
  // from its SubjectPublicKeyInfo (not the MASA's key pair, which the verifier never holds).
  auto masa_public = must(pki::parse_public_key(must(pki::public_key_to_der(masa_key.get()), "public key")), "public key");

  // 2. A voucher as a MASA issues it, pinning the registrar's certificate.
  artifact::Voucher v(artifact::VoucherKind::voucher);
  v.set_text("assertion", "proximity");
  v.set_text("created-on", core::format_rfc3339(core::now() - 60));
  v.set_text("serial-number", "SN-000001");
  v.set_bytes("nonce", Bytes(16, 0x5a));
  v.set_bytes("pinned-domain-cert", pki::certificate_der(registrar.get()));

  for (auto form : {artifact::VoucherForm::cose, artifact::VoucherForm::cms, artifact::VoucherForm::jws}) {
    artifact::VoucherSignOptions so;
    so.form = form;
    so.certificate = masa.get();
    Bytes signed_voucher = must(artifact::sign_voucher(v, *signer, so), "sign");
    artifact::VoucherVerifyOptions known_key;  // the MASA key pinned: no path to build
    known_key.trust_keys = {masa_public.get()};
    known_key.at = core::now();
    known_key.nonce = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
    artifact::VoucherVerifyOptions with_chain = known_key;  // the MASA certificate's path to the root
    with_chain.trust_keys.clear();
    with_chain.trust = {root.get()};
    auto verifies = [&](const artifact::VoucherVerifyOptions& o) {
      auto r = artifact::verify_voucher(signed_voucher, o);
      if (!r) std::fprintf(stderr, "voucher_bench: %s\n", r.error().message.c_str());
      else if (const auto* f = r->first_failure()) std::fprintf(stderr, "voucher_bench: %s: %s\n", f->name.c_str(), f->detail.c_str());
      return r.ok() && r->ok();
    };
    std::string name(artifact::form_name(form));
    auto [sign_rate, raw_sign] = paired_rates([&] { return artifact::sign_voucher(v, *signer, so).ok(); }, raw_sign_op);
    std::printf("%-34s %9.0f /s   (bound, measured alongside)\n", "raw P-256 ECDSA sign", raw_sign);
    report((name + " voucher sign").c_str(), sign_rate, raw_sign, "raw sign", 0);
    if (form != artifact::VoucherForm::cms) {
      auto [known, raw] = paired_rates([&] { return verifies(known_key); }, raw_verify_op);
      std::printf("%-34s %9.0f /s   (bound, measured alongside)\n", "raw P-256 ECDSA verify", raw);
      report((name + " voucher verify, known key").c_str(), known, raw, "raw verify",
             form == artifact::VoucherForm::cose ? 70 : 0);
    }
    auto [chained, raw] = paired_rates([&] { return verifies(with_chain); }, raw_verify_op);
    std::printf("%-34s %9.0f /s   (bound, measured alongside)\n", "raw P-256 ECDSA verify", raw);
    report((name + " voucher verify, with chain").c_str(), chained, raw, "raw verify",
           form == artifact::VoucherForm::cms ? 30 : 0);
    std::printf("  (%s voucher: %zu octets)\n", name.c_str(), signed_voucher.size());
  }
  return 0;
}
