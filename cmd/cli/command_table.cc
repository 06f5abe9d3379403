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
      {"ownership", "Make, transfer, verify and prove FDO ownership vouchers and device credentials",
       "FIDO Device Onboard 1.1 ownership vouchers (protocol version 101): the manufacturer makes one per device with "
       "'voucher create' (the header names the device by GUID and DeviceInfo, where it looks for its owner and the "
       "manufacturer's key, sealed by an HMAC whose secret only the device credential holds), each sale extends it "
       "with 'transfer' (an entry signed by the current owner naming the next), and 'verify' checks every link as an "
       "owner or the device would. 'prove' signs a device's nonce with the current owner's key and 'check' accepts "
       "that proof only with the device's credential. Vouchers are PEM \"OWNERSHIP VOUCHER\" (several per file) or "
       "raw CBOR; FDO 1.0 vouchers are refused. iotonb signs with SECP256R1 and SECP384R1 keys; RSA keys (RSAPKCS, "
       "RSAPSS, RSA2048RESTR) are verified, and can be a manufacturer key, but cannot extend or prove.\n"
       "Example, from the factory to the device:\n"
       "  iotonb ownership voucher create --manufacturer-key mfg.crt --idevid devices/SN-1 --rv https://rv.example.com \\\n"
       "      -o SN-1.ov --credential-out SN-1.dc\n"
       "  iotonb ownership transfer SN-1.ov --owner-key mfg.key --to owner.crt -o SN-1.owner.ov\n"
       "  iotonb ownership verify SN-1.owner.ov --device-credential SN-1.dc --owner owner.crt\n"
       "  iotonb ownership prove --voucher SN-1.owner.ov --owner-key owner.key --nonce $NONCE -o proof.cose\n"
       "  iotonb ownership check --device-credential SN-1.dc --voucher SN-1.owner.ov --proof proof.cose --nonce $NONCE",
       groups::define_ownership},
      {"supply-chain", "Make signed purchase records: which devices were sold to which owner",
       "The manufacturer's sales statement that feeds BRSKI ownership (RFC 8995 7.4.2 leaves it to the MASA "
       "operator): the owner's name and domain CA certificate and the sold devices' serial numbers and IDevID "
       "SHA-256 fingerprints, from minted device folders, the issuance ledger or a list, signed as CMS "
       "SignedData by the manufacturer. 'iotonb masa claim' and 'iotonb registrar allow' load it.",
       groups::define_supply_chain},
      {"masa", "Run the manufacturer's MASA and load its ownership records",
       "The Manufacturer Authorized Signing Authority of RFC 8995: 'serve' answers registrars over HTTPS "
       "(requestvoucher: checks the registrar's id-kp-cmcRA signature, the pledge's prior-signed request and its "
       "IDevID chain, the serial numbers and that the serial belongs to the registrar's domain, then returns a "
       "voucher pinning the owner's domain CA; requestauditlog); 'claim' loads a signed purchase record into "
       "the ownership records. Records and the audit log are kept in SQLite.",
       groups::define_masa},
      {"registrar", "Run the owner's registrar (BRSKI + EST) and manage the devices it onboards",
       "The domain registrar of RFC 8995 with the EST server of RFC 7030/8951 and the authorization service: "
       "'serve' answers pledges over HTTPS (requestvoucher: checks the pledge's IDevID chain, its signed request, "
       "that proximity-registrar-cert is this registrar's certificate and that the device is on the allow-list, "
       "then asks the MASA and relays the voucher; voucher_status, enrollstatus; EST cacerts, csrattrs, "
       "simpleenroll, simplereenroll issuing LDevIDs from the domain CA; the network profile). 'allow' loads a "
       "signed purchase record into the allow-list; 'devices' lists, shows, revokes or quarantines onboarded "
       "devices. Records (devices, LDevID history, nonces, status audit) are kept in SQLite.",
       groups::define_registrar},
      {"enroll", "Onboard this device: BRSKI voucher, then an LDevID through EST (or renew it)",
       "The pledge side of RFC 8995 (BRSKI) and RFC 7030 (EST): over provisional TLS with its IDevID, the device "
       "asks the registrar for a voucher, verifies it against the MASA trust anchors and the registrar's TLS chain "
       "against the pinned domain certificate, makes a key, gets an LDevID through simpleenroll, reports its status "
       "and fetches its network profile; the result is written to the device state folder as one set. --renew "
       "replaces the LDevID through simplereenroll.",
       groups::define_enroll},
      {"attest", "Create, verify, inspect and appraise Entity Attestation Tokens (EAT, PSA); act as the device",
       "Entity Attestation Tokens (RFC 9711) are CWTs (RFC 8392) in which a device states signed claims about itself: "
       "its hardware model and manufacturer, software name, version and measurements, debug state, secure boot, the "
       "verifier's nonce. 'create' mints a token from a claims file (ES256, ES384 or EdDSA; kid or x5chain), "
       "'verify' checks the signature, signer chain, nonce and iat/nbf/exp, 'inspect' shows the claims by name "
       "(PSA attestation tokens, profiles 1 and 2, included), 'appraise' compares them with reference values and "
       "gives the verdict affirming, warning or contraindicated, and 'evidence' plays the device: it measures the "
       "files a device description lists and signs evidence for a nonce.\n"
       "Example, verifier and device:\n"
       "  iotonb attest evidence --device device.yaml --key device.key --nonce $NONCE -o evidence.cbor\n"
       "  iotonb attest verify evidence.cbor --key device.crt --nonce $NONCE\n"
       "  iotonb attest appraise evidence.cbor --policy reference.yaml --key device.crt --nonce $NONCE",
       groups::define_attest},
      {"mud", "Create, validate, sign, verify, fetch and compile MUD files (RFC 8520) into firewall rules",
       "A Manufacturer Usage Description (RFC 8520) says what a device needs to talk to, in a signed JSON file the "
       "network fetches from the MUD URL in the device's IDevID. 'create' writes one from a readable YAML spec, "
       "'validate' checks a file against RFC 8520 and its ACL model (RFC 8519) and names every violation by its JSON "
       "path, 'show' describes one (each ACE in a line), 'sign' and 'verify' make and check the detached CMS signature over the exact bytes, 'fetch' gets a file "
       "and its signature over HTTPS and verifies them before use, 'compile' turns a file and the owner's local "
       "policy into nftables or iptables rules for one device, and 'url' reads the MUD URL from an IDevID.\n"
       "Example, manufacturer then network:\n"
       "  iotonb mud create --from spec.yaml -o device.json\n"
       "  iotonb mud sign device.json --key mud-signer.key --cert mud-signer.crt -o device.p7s\n"
       "  iotonb mud verify device.json --signature device.p7s --trust mud-ca.pem\n"
       "  iotonb mud compile device.json --device-ip 192.0.2.20 --local-policy local.yaml --target nftables",
       groups::define_mud},
      {"device", "Show or wipe a device's state folder",
       "'show' summarises a device state folder (IDevID, enrollment, LDevID, network profile); 'wipe' removes "
       "everything but the birth identity (idevid.crt, idevid.key, chain.pem) so the device can onboard again.",
       groups::define_device},
      {"inspect", "Detect what a file is and show it",
       "Recognises certificates, certificate requests, public and private keys (PEM or DER) and shows "
       "them as 'iotonb cert inspect' would, vouchers as 'iotonb voucher inspect' would, and FDO ownership "
       "vouchers and device credentials as 'iotonb ownership inspect' would, attestation tokens as 'iotonb attest "
       "inspect' would, and MUD files as 'iotonb mud show' would. Private key material and device "
       "secrets are never printed.",
       groups::define_inspect},
      {"help", "Show help for a command group or verb",
       "'iotonb help' lists the command groups; 'iotonb help GROUP [VERB]' shows the help of one.",
       groups::define_help},
  };
  return groups;
}

}  // namespace iotonb::cli
