#!/usr/bin/python3
"""Independent check of an iotonb IDevID with asn1crypto (Debian's python3-asn1crypto).

Decodes, without any iotonb code, the 802.1AR / BRSKI / MUD fields of one certificate and
compares them with the values the test asked iotonb to put there:
  * subject serialNumber (2.5.4.5) is a PrintableString equal to --serial;
  * SAN otherName hardwareModuleName (1.3.6.1.5.5.7.8.4, RFC 4108):
    SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING };
  * id-pe-masa-url (1.3.6.1.5.5.7.1.32) and id-pe-mud-url (1.3.6.1.5.5.7.1.25): IA5String,
    non-critical; id-pe-mudsigner (1.3.6.1.5.5.7.1.30): a Name;
  * notAfter is the GeneralizedTime 99991231235959Z;
  * serial positive and at most 20 octets; keyUsage critical digitalSignature (plus
    keyEncipherment only for RSA); basicConstraints CA:FALSE; SKI present; AKI present and
    equal to the issuer's SKI (--issuer).
Exit status 0 when everything matches, 1 with one line per mismatch otherwise.
"""
import argparse
import sys

from asn1crypto import core, pem, x509

OID_HWMN = "1.3.6.1.5.5.7.8.4"
OID_MASA_URL = "1.3.6.1.5.5.7.1.32"
OID_MUD_URL = "1.3.6.1.5.5.7.1.25"
OID_MUD_SIGNER = "1.3.6.1.5.5.7.1.30"


class HardwareModuleName(core.Sequence):
    _fields = [
        ("hw_type", core.ObjectIdentifier),
        ("hw_serial_num", core.OctetString),
    ]


class HardwareModuleOtherName(core.Sequence):
    _fields = [
        ("type_id", core.ObjectIdentifier),
        ("value", HardwareModuleName, {"explicit": 0}),
    ]


def load_cert(path):
    with open(path, "rb") as f:
        data = f.read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def strict_load(spec, data, what, errors):
    """spec.load() that also insists the bytes are exactly one DER value of that type."""
    try:
        value = spec.load(data, strict=True)
        value.native  # force a full parse
        return value
    except Exception as e:  # noqa: BLE001 - any decoding problem is a test failure
        errors.append(f"{what}: cannot decode as {spec.__name__}: {e}")
        return None


def raw_extensions(cert):
    """{dotted OID: (critical, extnValue octets)} for every extension."""
    out = {}
    for ext in cert["tbs_certificate"]["extensions"]:
        oid = ext["extn_id"].dotted
        out[oid] = (ext["critical"].native, ext["extn_value"].contents)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cert")
    ap.add_argument("--serial", required=True)
    ap.add_argument("--hw-type")
    ap.add_argument("--masa-url")
    ap.add_argument("--mud-url")
    ap.add_argument("--mud-signer", help="expected signer as RDN list 'C=US,O=Acme,CN=x' (DER order)")
    ap.add_argument("--issuer", help="issuing CA certificate, for the AKI check")
    ap.add_argument("--rsa", action="store_true", help="device key is RSA (expects keyEncipherment)")
    args = ap.parse_args()

    errors = []
    cert = load_cert(args.cert)
    tbs = cert["tbs_certificate"]

    # subject serialNumber: exactly one, a PrintableString
    serials = [
        attr["value"]
        for rdn in tbs["subject"].chosen
        for attr in rdn
        if attr["type"].dotted == "2.5.4.5"
    ]
    if len(serials) != 1:
        errors.append(f"subject has {len(serials)} serialNumber attributes, expected 1")
    else:
        encoded = serials[0].dump()
        if encoded[0] != 0x13:  # universal 19, PrintableString
            errors.append(f"subject serialNumber has tag 0x{encoded[0]:02x}, not PrintableString (0x13)")
        value = serials[0].native
        if value != args.serial:
            errors.append(f"subject serialNumber is {value!r}, expected {args.serial!r}")

    # validity
    not_after = tbs["validity"]["not_after"]
    if not_after.name != "general_time":
        errors.append(f"notAfter is a {not_after.name}, expected GeneralizedTime")
    if not_after.chosen.contents != b"99991231235959Z":
        errors.append(f"notAfter is {not_after.chosen.contents!r}, expected b'99991231235959Z'")

    # serial number
    serial = tbs["serial_number"]
    if serial.native <= 0:
        errors.append(f"certificate serial {serial.native} is not positive")
    if len(serial.contents) > 20:
        errors.append(f"certificate serial is {len(serial.contents)} octets, more than 20")

    exts = raw_extensions(cert)

    # keyUsage critical: digitalSignature (+ keyEncipherment for RSA only)
    if "2.5.29.15" not in exts:
        errors.append("no keyUsage")
    else:
        critical, value = exts["2.5.29.15"]
        if not critical:
            errors.append("keyUsage is not critical")
        ku = strict_load(x509.KeyUsage, value, "keyUsage", errors)
        expected = {"digital_signature", "key_encipherment"} if args.rsa else {"digital_signature"}
        if ku is not None and set(ku.native) != expected:
            errors.append(f"keyUsage is {sorted(ku.native)}, expected {sorted(expected)}")

    # basicConstraints CA:FALSE
    if "2.5.29.19" not in exts:
        errors.append("no basicConstraints")
    else:
        bc = strict_load(x509.BasicConstraints, exts["2.5.29.19"][1], "basicConstraints", errors)
        if bc is not None and bc["ca"].native:
            errors.append("basicConstraints says CA:TRUE")

    # SKI / AKI
    ski = tbs_ski = None
    if "2.5.29.14" not in exts:
        errors.append("no subjectKeyIdentifier")
    else:
        ski = strict_load(core.OctetString, exts["2.5.29.14"][1], "subjectKeyIdentifier", errors)
        tbs_ski = ski.native if ski is not None else None
    if "2.5.29.35" not in exts:
        errors.append("no authorityKeyIdentifier")
    else:
        aki = strict_load(x509.AuthorityKeyIdentifier, exts["2.5.29.35"][1], "authorityKeyIdentifier", errors)
        if aki is not None and args.issuer:
            issuer_ski = load_cert(args.issuer).key_identifier
            if aki["key_identifier"].native != issuer_ski:
                errors.append("authorityKeyIdentifier does not equal the issuer's subjectKeyIdentifier")
            if aki["key_identifier"].native == tbs_ski:
                errors.append("authorityKeyIdentifier equals the certificate's own SKI")

    # hardwareModuleName in the SAN
    if args.hw_type:
        if "2.5.29.17" not in exts:
            errors.append("no subjectAltName (expected the hardwareModuleName otherName)")
        else:
            names = strict_load(x509.GeneralNames, exts["2.5.29.17"][1], "subjectAltName", errors) or []
            found = [n.chosen for n in names if n.name == "other_name" and n.chosen["type_id"].dotted == OID_HWMN]
            if len(found) != 1:
                errors.append(f"{len(found)} hardwareModuleName otherNames, expected 1")
            else:
                # Re-decode the whole otherName ([0] IMPLICIT in GeneralName) with the value's
                # type spelled out, so the [0] EXPLICIT wrapper and the SEQUENCE are both checked.
                hwmn = None
                try:
                    other = HardwareModuleOtherName.load(found[0].dump(), strict=True, implicit=0)
                    other.native  # force a full parse
                    hwmn = other["value"]
                except Exception as e:  # noqa: BLE001
                    errors.append(f"hardwareModuleName: cannot decode as SEQUENCE {{OID, OCTET STRING}}: {e}")
                if hwmn is not None:
                    if hwmn["hw_type"].dotted != args.hw_type:
                        errors.append(f"hwType is {hwmn['hw_type'].dotted}, expected {args.hw_type}")
                    if hwmn["hw_serial_num"].native != args.serial.encode("ascii"):
                        errors.append(
                            f"hwSerialNum is {hwmn['hw_serial_num'].native!r}, expected {args.serial.encode()!r}"
                        )
    elif "2.5.29.17" in exts:
        errors.append("unexpected subjectAltName")

    # IA5String URL extensions
    for oid, expected, what in ((OID_MASA_URL, args.masa_url, "MASA URL"), (OID_MUD_URL, args.mud_url, "MUD URL")):
        if expected is None:
            if oid in exts:
                errors.append(f"unexpected {what} extension")
            continue
        if oid not in exts:
            errors.append(f"no {what} extension ({oid})")
            continue
        critical, value = exts[oid]
        if critical:
            errors.append(f"{what} extension is critical")
        s = strict_load(core.IA5String, value, what, errors)
        if s is not None and s.native != expected:
            errors.append(f"{what} is {s.native!r}, expected {expected!r}")

    # mudSigner: a Name
    if args.mud_signer:
        if OID_MUD_SIGNER not in exts:
            errors.append(f"no MUD signer extension ({OID_MUD_SIGNER})")
        else:
            name = strict_load(x509.Name, exts[OID_MUD_SIGNER][1], "mudSigner", errors)
            if name is not None:
                short = {"country_name": "C", "organization_name": "O", "common_name": "CN",
                         "organizational_unit_name": "OU", "serial_number": "serialNumber"}
                got = ",".join(
                    f"{short.get(attr['type'].native, attr['type'].dotted)}={attr['value'].native}"
                    for rdn in name.chosen
                    for attr in rdn
                )
                if got != args.mud_signer:
                    errors.append(f"mudSigner is {got!r}, expected {args.mud_signer!r}")
    elif OID_MUD_SIGNER in exts:
        errors.append("unexpected MUD signer extension")

    for e in errors:
        print(f"{args.cert}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
