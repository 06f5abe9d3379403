#include "cli/command_table.h"

#include "groups/groups.h"

namespace iotonb::cli {

const std::vector<CommandGroup>& command_groups() {
  static const std::vector<CommandGroup> groups = {
      {"ca", "Create CA and service certificates (root, intermediate, registrar, MASA, server, client)",
       "Creates the certificate hierarchy a manufacturer or network owner needs: a root CA, "
       "intermediate CAs, and end-entity certificates for a BRSKI registrar (id-kp-cmcRA, RFC 8995), "
       "a MASA (voucher signing) and TLS servers and clients. New CA keys are written encrypted "
       "(PKCS#8, AES-256) with mode 0600 unless --no-password --insecure is given.",
       groups::define_ca},
      {"idevid", "Mint 802.1AR IDevID birth certificates, one device or a production batch",
       "Mints IEEE 802.1AR initial device identities (IDevID) as RFC 8995 uses them: subject "
       "serialNumber, hardwareModuleName (RFC 4108), the MASA URL extension (RFC 8995 2.3.2), MUD URL "
       "and MUD signer extensions (RFC 8520), notAfter 99991231235959Z. Batches stream from a CSV or YAML "
       "manifest or a serial pattern, use all cores, and resume after a crash from the issuance ledger "
       "without minting any device twice.",
       groups::define_idevid},
      {"cert", "Inspect and verify X.509 certificates",
       "Shows certificates with the device identity extensions decoded (text or JSON), and validates "
       "a certificate's chain to explicit trust anchors at an explicit time.",
       groups::define_cert},
      {"csr", "Create PKCS#10 certificate requests",
       "Creates a certificate request (RFC 2986) signed by an existing key or a new one, for example "
       "on a device that keeps its key and asks the factory for an IDevID.",
       groups::define_csr},
      {"key", "Generate keys and extract public keys",
       "Generates EC P-256 (default), P-384, Ed25519 and RSA 2048/3072 keys as PKCS#8, encrypted with "
       "AES-256 unless --no-password --insecure, written atomically with mode 0600.",
       groups::define_key},
      {"voucher", "Create, sign, verify and inspect vouchers and voucher requests (CMS, JWS, COSE)",
       "Vouchers (RFC 8366, RFC 8366bis) tell a device which network owns it: the manufacturer's MASA pins "
       "the owner's domain certificate to the device's serial number. Voucher requests (RFC 8995 3) ask for "
       "one: the pledge's, and the registrar's that wraps it. Each is JSON (RFC 7951) in a CMS SignedData "
       "or JWS envelope, or SID-keyed CBOR in a COSE_Sign1 (constrained BRSKI). 'verify' checks the "
       "signature, the signer's chain at an explicit time, expiry, serial number, nonce and pinned domain.",
       groups::define_voucher},
      {"inspect", "Detect what a file is and show it",
       "Recognises certificates, certificate requests, public and private keys (PEM or DER) and shows "
       "them as 'iotonb cert inspect' would. Private key material is never printed.",
       groups::define_inspect},
      {"help", "Show help for a command group or verb",
       "'iotonb help' lists the command groups; 'iotonb help GROUP [VERB]' shows the help of one.",
       groups::define_help},
  };
  return groups;
}

}  // namespace iotonb::cli
