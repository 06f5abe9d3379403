// The expected verdict of every cose-wg/Examples COSE_Sign1 vector (vectors README section 3),
// with the policy envelope/cose.h states for sign-pass-01 and ecdsa-sig-04: one table, run by
// the envelope tests and again through the attestation token path, so both reach the same
// verdicts.
#pragma once

namespace iotonb::test {

enum class Outcome { verifies, parse_fails, verify_fails };

struct CoseVector {
  const char* file;
  Outcome outcome;
  const char* message;  // the error, for the two failing outcomes
  bool tbs_matches;     // our Sig_structure equals intermediates.ToBeSign_hex
};

inline constexpr CoseVector kCoseVectors[] = {
    // Disputed: signed over body_protected h'' but sent as h'A0'; we verify the wire bytes.
    {"sign1-tests/sign-pass-01.json", Outcome::verify_fails, "COSE: signature does not verify", false},
    {"sign1-tests/sign-pass-02.json", Outcome::verifies, "", true},
    {"sign1-tests/sign-pass-03.json", Outcome::verifies, "", true},
    {"sign1-tests/sign-fail-01.json", Outcome::parse_fails, "COSE: tag 998 is not COSE_Sign1 (18)", true},
    {"sign1-tests/sign-fail-02.json", Outcome::verify_fails, "COSE: signature does not verify", false},
    {"sign1-tests/sign-fail-03.json", Outcome::verify_fails, "COSE: unsupported algorithm -999", false},
    {"sign1-tests/sign-fail-04.json", Outcome::verify_fails, "COSE: unsupported algorithm \"unknown\"", false},
    {"sign1-tests/sign-fail-06.json", Outcome::verify_fails, "COSE: signature does not verify", false},
    {"sign1-tests/sign-fail-07.json", Outcome::verify_fails, "COSE: signature does not verify", false},
    {"ecdsa-examples/ecdsa-sig-01.json", Outcome::verifies, "", true},
    {"ecdsa-examples/ecdsa-sig-02.json", Outcome::verifies, "", true},
    // Valid signature, but ES512 with a P-256 key breaks the strict alg/curve pairing.
    {"ecdsa-examples/ecdsa-sig-04.json", Outcome::verify_fails,
     "COSE: ES512 needs an EC secp521r1 key, but the key is EC prime256v1", true},
};

}  // namespace iotonb::test
