#include "protocol/brski/attestation.h"

#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "artifact/eat/claims.h"
#include "artifact/eat/describe.h"
#include "artifact/eat/evidence.h"
#include "artifact/eat/verify.h"
#include "core/encoding.h"
#include "protocol/brski/authorization.h"

namespace iotonb::protocol::brski {
namespace {

using artifact::eat::Verdict;

std::optional<Verdict> parse_verdict(std::string_view name) {
  for (Verdict v : {Verdict::affirming, Verdict::warning, Verdict::contraindicated})
    if (artifact::eat::verdict_name(v) == name) return v;
  return std::nullopt;
}

std::string nonce_problem(store::NonceUse use) {
  switch (use) {
    case store::NonceUse::unknown: return "its nonce was not issued by this registrar";
    case store::NonceUse::other_device: return "its nonce was issued to another device";
    case store::NonceUse::used: return "its nonce was used before (a replayed token)";
    case store::NonceUse::expired: return "its nonce has expired";
    case store::NonceUse::fresh: break;
  }
  return "";
}

// The token's nonce (artifact/eat/claims.h: claim 10, the first of an array), or nullopt.
std::optional<Bytes> nonce_of(const core::cbor::Value& claims) {
  const core::cbor::Value* n = artifact::eat::nonce_claim(claims);
  if (n == nullptr || n->type() != core::cbor::Type::bytes) return std::nullopt;
  return n->as_bytes();
}

}  // namespace

Attestation::Attestation(AttestationSettings settings, store::RegistrarStore& store)
    : settings_(std::move(settings)), store_(store) {}

// The IDevID client certificate, chaining to a manufacturer anchor, of a device on the
// allow-list: only a device the owner bought gets a nonce or has its evidence appraised.
std::optional<Answer> Attestation::authorize(const BrskiRequest& request, core::UnixTime at, AuthorizedPeer& peer) {
  if (auto refusal = authorize_idevid(request.peer_certificates, settings_.manufacturer_trust, store_, at, false, peer))
    return refusal;
  auto allowed = store_.allowed(peer.serial);
  if (!allowed) return Answer::refuse(500, "registrar store: " + allowed.error().message);
  if (!*allowed || (*allowed)->idevid_sha256 != peer.sha256)
    return Answer::refuse(403, "device " + peer.serial + " with this IDevID is not on the allow-list");
  return std::nullopt;
}

Answer Attestation::nonce(const BrskiRequest& request) {
  const core::UnixTime at = request.at != 0 ? request.at : core::now();
  AuthorizedPeer peer;
  if (auto refusal = authorize(request, at, peer)) return std::move(*refusal);
  Bytes nonce(kAttestationNonceSize);
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) return Answer::refuse(500, "random number generator failed");
  if (auto s = store_.issue_attestation_nonce(peer.serial, peer.sha256, core::to_hex(nonce), at); !s)
    return Answer::refuse(500, "registrar store: " + s.error().message);
  nlohmann::ordered_json body{{"nonce", core::to_base64url(nonce)}, {"expires-in", settings_.lifetime}};
  return Answer::success("application/json", body.dump() + "\n");
}

Answer Attestation::evidence(const BrskiRequest& request) {
  const core::UnixTime at = request.at != 0 ? request.at : core::now();
  if (!media_type_is(request.content_type, kEatMediaType))
    return Answer::refuse(415, "evidence must be " + std::string(kEatMediaType) + ", not \"" + request.content_type + "\"");
  AuthorizedPeer peer;
  if (auto refusal = authorize(request, at, peer)) return std::move(*refusal);
  auto token = artifact::eat::decode_token(as_bytes(request.body));
  if (!token) return Answer::refuse(400, "evidence: " + token.error().message);
  if (token->claims_error) return Answer::refuse(400, "evidence: " + token->claims_error->message);
  auto nonce = nonce_of(token->claims);
  if (!nonce) return Answer::refuse(400, "evidence: no nonce claim (10): ask " + std::string(kAttestationNoncePath) + " first");

  // The nonce is spent whatever the evidence says, so no token is ever appraised twice.
  auto use = store_.use_attestation_nonce(core::to_hex(*nonce), peer.serial, peer.sha256, at, settings_.lifetime);
  if (!use) return Answer::refuse(500, "registrar store: " + use.error().message);
  if (*use != store::NonceUse::fresh) {
    const std::string why = "evidence refused: " + nonce_problem(*use);
    (void)store_.add_report({peer.serial, "attestation", at, false, why, ""});
    return Answer::refuse(403, why);
  }

  artifact::eat::VerifyOptions vo;
  vo.keys = {X509_get0_pubkey(peer.certificate.get())};
  vo.at = at;
  vo.skew = settings_.skew;
  vo.nonce = *nonce;  // the store has just vouched for it; so the appraisal lists the nonce as checked
  const artifact::eat::Verification verification = artifact::eat::verify_token(std::move(*token), vo);
  const artifact::eat::Appraisal appraisal = artifact::eat::appraise(verification, settings_.policy, at);
  nlohmann::ordered_json body = artifact::eat::describe_appraisal(appraisal);
  const std::string verdict(artifact::eat::verdict_name(appraisal.verdict));
  if (auto s = store_.record_attestation({peer.serial, peer.sha256, verdict, body.dump(), at}); !s)
    return Answer::refuse(500, "registrar store: " + s.error().message);
  if (appraisal.verdict != Verdict::contraindicated) return Answer::success("application/json", body.dump() + "\n");
  std::string why = "attestation: contraindicated";
  for (const auto& c : appraisal.claims)
    if (c.verdict == Verdict::contraindicated) why += "; " + c.claim + ": " + c.reason;
  return Answer::refuse(403, why);
}

std::optional<Answer> Attestation::admit(const std::string& serial, const std::string& idevid_sha256, core::UnixTime at) {
  auto record = store_.attestation(serial);
  if (!record) return Answer::refuse(500, "registrar store: " + record.error().message);
  const bool recent = *record && (*record)->idevid_sha256 == idevid_sha256 && at - (*record)->attested_at <= settings_.lifetime;
  if (!recent) {
    if (!settings_.required) return std::nullopt;
    return Answer::refuse(403, "device " + serial + ": attestation is required: get a nonce from " +
                                   std::string(kAttestationNoncePath) + " and send evidence to " + kAttestationPath +
                                   " before the voucher request");
  }
  if ((*record)->verdict == artifact::eat::verdict_name(Verdict::contraindicated))
    return Answer::refuse(403, "device " + serial + ": its evidence was appraised as contraindicated");
  return std::nullopt;
}

std::optional<Verdict> Attestation::verdict(const std::string& serial) {
  auto record = store_.attestation(serial);
  if (!record || !*record) return std::nullopt;
  return parse_verdict((*record)->verdict);
}

Result<Bytes> parse_attestation_nonce(std::string_view json_body) {
  auto j = nlohmann::json::parse(json_body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return input_error("attestation nonce: the answer is not a JSON object");
  auto it = j.find("nonce");
  if (it == j.end() || !it->is_string()) return input_error("attestation nonce: no \"nonce\" string");
  auto nonce = core::from_base64(it->get<std::string>());
  if (!nonce) return input_error("attestation nonce: \"nonce\" is not base64url: " + nonce.error().message);
  if (nonce->size() < artifact::eat::kMinNonceSize || nonce->size() > artifact::eat::kMaxNonceSize)
    return input_error("attestation nonce: " + std::to_string(nonce->size()) + " octets (RFC 9711 4.1: 8 to 64)");
  return nonce;
}

}  // namespace iotonb::protocol::brski
