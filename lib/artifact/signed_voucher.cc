#include "artifact/signed_voucher.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>

#include "artifact/voucher_cbor.h"
#include "artifact/voucher_json.h"
#include "core/encoding.h"
#include "core/json.h"
#include "pki/certificate.h"
#include "pki/parse_cache.h"

namespace iotonb::artifact {
namespace {

bool is_space(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

ByteView trim(ByteView in) {
  while (!in.empty() && is_space(in.front())) in = in.subspan(1);
  while (!in.empty() && is_space(in.back())) in = in.first(in.size() - 1);
  return in;
}

bool all_of(ByteView in, bool (*pred)(std::uint8_t)) { return std::all_of(in.begin(), in.end(), pred); }
bool hex_or_space(std::uint8_t c) { return std::isxdigit(c) || is_space(c); }
bool base64_or_space(std::uint8_t c) {
  return std::isalnum(c) || c == '+' || c == '/' || c == '-' || c == '_' || c == '=' || is_space(c);
}
bool jws_compact_char(std::uint8_t c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; }

// Fills payload, voucher and payload_error from sv.payload.
void read_payload(SignedVoucher& sv, bool cbor) {
  auto v = cbor ? voucher_from_cbor_unchecked(sv.payload) : voucher_from_json_unchecked(as_chars(sv.payload));
  if (!v) {
    sv.payload_error = v.error();
    return;
  }
  if (Status s = validate(*v); !s) sv.payload_error = s.error();
  sv.voucher = std::move(v).value();
}

// A JWS (any serialization): form, payload, carried certificates and the parsed envelope.
Status read_jws(SignedVoucher& sv, ByteView text) {
  IOTONB_ASSIGN_OR_RETURN(envelope::jose::Jws jws, envelope::jose::parse(as_chars(text)));
  sv.form = VoucherForm::jws;
  sv.payload = jws.payload;
  if (!jws.signatures.empty()) sv.certificate_ders = jws.signatures.front().x5c;
  sv.parsed = std::move(jws);
  return {};
}

Result<SignedVoucher> open_json(ByteView text) {
  IOTONB_ASSIGN_OR_RETURN(nlohmann::json doc, core::parse_json(as_chars(text)));
  SignedVoucher sv;
  sv.envelope.assign(text.begin(), text.end());
  if (doc.is_object() && doc.contains("payload")) {
    IOTONB_RETURN_IF_ERROR(read_jws(sv, text));
  } else {
    sv.form = VoucherForm::json;
    sv.payload = sv.envelope;
  }
  read_payload(sv, false);
  if (sv.form == VoucherForm::json && !sv.voucher) return *sv.payload_error;  // nothing else to show
  return sv;
}

Result<SignedVoucher> open_binary(ByteView data, int depth, bool describe);

Result<SignedVoucher> open_text(ByteView text, int depth, bool describe) {
  if (core::looks_like_pem(text)) {
    IOTONB_ASSIGN_OR_RETURN(auto blocks, core::parse_pem(as_chars(text)));
    if (blocks.empty() || (blocks[0].label != "CMS" && blocks[0].label != "PKCS7"))
      return input_error("PEM block \"" + (blocks.empty() ? std::string() : blocks[0].label) +
                         "\" is not a voucher (expected CMS or PKCS7)");
    return open_binary(blocks[0].der, depth + 1, describe);
  }
  if (text.front() == '{') return open_json(text);
  if (all_of(text, jws_compact_char) && std::count(text.begin(), text.end(), '.') == 2) {
    SignedVoucher sv;
    sv.envelope.assign(text.begin(), text.end());
    IOTONB_RETURN_IF_ERROR(read_jws(sv, text));
    read_payload(sv, false);
    return sv;
  }
  if (depth == 0 && all_of(text, hex_or_space)) {
    std::string compact;
    for (auto c : text)
      if (!is_space(c)) compact.push_back(static_cast<char>(c));
    if (compact.size() % 2 == 0) {
      IOTONB_ASSIGN_OR_RETURN(Bytes bin, core::from_hex(compact));
      return open_binary(bin, depth + 1, describe);
    }
  }
  if (depth == 0 && all_of(text, base64_or_space)) {
    if (auto bin = core::from_base64(as_chars(text))) return open_binary(*bin, depth + 1, describe);
  }
  return input_error("not a voucher: expected CMS (DER, PEM or base64), JWS, COSE (binary or hex) or voucher JSON/CBOR");
}

Result<SignedVoucher> open_binary(ByteView data, int depth, bool describe) {
  if (data.empty()) return input_error("empty input, expected a voucher");
  const std::uint8_t first = data.front();
  // Binary forms are taken as they are (a DER or CBOR item may well end in 0x0a); only text
  // forms are trimmed.
  if (first != 0x30 && (first & 0xe0) != 0xc0 && first != 0x84 && (first & 0xe0) != 0xa0) {
    ByteView text = trim(data);
    if (text.empty()) return input_error("empty input, expected a voucher");
    if (text.front() >= 0x20 && text.front() < 0x7f) return open_text(text, depth, describe);
    return input_error("not a voucher: unrecognised leading byte 0x" + core::to_hex(data.first(1)));
  }
  if (first == 0x30) {
    SignedVoucher sv;
    sv.form = VoucherForm::cms;
    sv.envelope.assign(data.begin(), data.end());
    IOTONB_ASSIGN_OR_RETURN(envelope::cms::SignedData sd, envelope::cms::parse(data, describe));
    if (!sd.content) return input_error("CMS voucher has no content (detached signature)");
    sv.payload = *sd.content;
    for (const auto& c : sd.certificates) sv.certificate_ders.push_back(pki::certificate_der(c.get()));
    sv.parsed = std::move(sd);
    read_payload(sv, false);
    return sv;
  }
  if ((first & 0xe0) == 0xc0 || first == 0x84) {  // a tag (COSE_Sign1 is 18) or an untagged 4-array
    SignedVoucher sv;
    sv.form = VoucherForm::cose;
    sv.envelope.assign(data.begin(), data.end());
    IOTONB_ASSIGN_OR_RETURN(envelope::cose::Sign1 msg, envelope::cose::parse_sign1(data));
    if (!msg.payload) return input_error("COSE voucher has no payload (detached)");
    sv.payload = *msg.payload;
    std::vector<Bytes> ders;
    if (auto chain = envelope::cose::x5chain(msg)) ders = std::move(chain).value();
    if (auto bag = envelope::cose::x5bag(msg)) ders.insert(ders.end(), bag->begin(), bag->end());
    sv.certificate_ders = std::move(ders);
    sv.parsed = std::move(msg);
    read_payload(sv, true);
    return sv;
  }
  if ((first & 0xe0) == 0xa0) {  // a CBOR map: an unsigned constrained voucher
    SignedVoucher sv;
    sv.form = VoucherForm::cbor;
    sv.envelope.assign(data.begin(), data.end());
    sv.payload = sv.envelope;
    read_payload(sv, true);
    if (!sv.voucher) return *sv.payload_error;  // nothing else to show
    return sv;
  }
  return input_error("not a voucher: unrecognised leading byte 0x" + core::to_hex(data.first(1)));
}

Bytes subject_key_id(const X509* cert) {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(const_cast<X509*>(cert));
  if (!ski) return {};
  return Bytes(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
}

Result<SignedVoucher> open_bounded(ByteView input, bool describe) {
  if (input.size() > kMaxVoucherInput)
    return input_error("voucher is " + std::to_string(input.size()) + " octets, more than the limit of " +
                       std::to_string(kMaxVoucherInput));
  return open_binary(input, 0, describe);
}

}  // namespace

std::string_view form_name(VoucherForm form) {
  switch (form) {
    case VoucherForm::json: return "json";
    case VoucherForm::cbor: return "cbor";
    case VoucherForm::cms: return "cms";
    case VoucherForm::jws: return "jws";
    case VoucherForm::cose: return "cose";
  }
  return "";
}

std::string_view media_type(VoucherForm form) {
  switch (form) {
    case VoucherForm::json: return "application/json";
    case VoucherForm::cbor: return "application/cbor";
    case VoucherForm::cms: return "application/voucher-cms+json";
    case VoucherForm::jws: return "application/voucher-jws+json";
    case VoucherForm::cose: return "application/voucher+cose";
  }
  return "";
}

Result<SignedVoucher> open_voucher(ByteView input) { return open_bounded(input, true); }
Result<SignedVoucher> open_voucher_for_verification(ByteView input) { return open_bounded(input, false); }

Result<std::vector<core::X509Ptr>> carried_certificates(const SignedVoucher& sv) {
  std::vector<core::X509Ptr> out;
  if (const auto* sd = std::get_if<envelope::cms::SignedData>(&sv.parsed)) {
    for (const auto& c : sd->certificates) {
      X509_up_ref(c.get());
      out.emplace_back(c.get());
    }
    return out;
  }
  for (std::size_t i = 0; i < sv.certificate_ders.size(); ++i) {
    auto cert = pki::parse_certificate_der_cached(sv.certificate_ders[i]);
    if (!cert) return cert.error().context("carried certificate " + std::to_string(i + 1));
    out.push_back(std::move(cert).value());
  }
  return out;
}

Result<Bytes> sign_voucher(const Voucher& v, const pki::Signer& signer, const VoucherSignOptions& opts) {
  IOTONB_RETURN_IF_ERROR(validate(v));
  std::vector<Bytes> ders;
  if (opts.certificate) ders.push_back(pki::certificate_der(opts.certificate));
  for (const X509* c : opts.chain) ders.push_back(pki::certificate_der(c));
  switch (opts.form) {
    case VoucherForm::cms: {
      if (!opts.certificate) return usage_error("a CMS voucher needs the signer's certificate");
      envelope::cms::SignOptions o;
      o.content_type = opts.cms_id_data ? envelope::cms::kIdData : envelope::cms::kIdCtAnimaJsonVoucher;
      o.chain = opts.chain;
      o.signing_time = opts.signing_time;
      std::string json = voucher_to_json(v);
      return envelope::cms::sign(as_bytes(json), signer, opts.certificate, o);
    }
    case VoucherForm::jws: {
      envelope::jose::SignOptions o;
      o.x5c = ders;
      std::string json = voucher_to_json(v);
      IOTONB_ASSIGN_OR_RETURN(std::string jws, envelope::jose::sign(as_bytes(json), signer, o));
      return Bytes(jws.begin(), jws.end());
    }
    case VoucherForm::cose: {
      envelope::cose::SignOptions o;
      o.hint = opts.cose_hint;
      if (o.hint == envelope::cose::KeyHint::x5chain || o.hint == envelope::cose::KeyHint::x5bag) {
        if (ders.empty()) return usage_error("a COSE x5chain or x5bag header needs the signer's certificate");
        o.certificates = ders;
      }
      if (o.hint == envelope::cose::KeyHint::kid) {
        o.kid = !opts.kid.empty() ? opts.kid : opts.certificate ? subject_key_id(opts.certificate) : Bytes{};
        if (o.kid.empty()) return usage_error("a COSE kid header needs --kid or a certificate with a subjectKeyIdentifier");
      }
      return envelope::cose::sign1(voucher_to_cbor(v), signer, o);
    }
    case VoucherForm::json:
    case VoucherForm::cbor: break;
  }
  return usage_error("form " + std::string(form_name(opts.form)) + " is not a signed form (cms, jws, cose)");
}

}  // namespace iotonb::artifact
