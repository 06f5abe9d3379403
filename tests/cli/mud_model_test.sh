#!/bin/bash
# iotonb mud create | validate | show and `iotonb inspect` on MUD files: the example spec made
# into a file that validates and describes, the public Luminaire vector, every violation of a
# broken file listed with its JSON Pointer (exit 3), spec errors naming line and field, no
# output file after an error, --force, stdin/stdout as -, and --format json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SPEC="$IOTONB_SOURCE_DIR/examples/mud/thermostat-spec.yaml"
LUMINAIRE="$IOTONB_VECTORS_DIR/mud/Luminaire_150.json"
NOW=2026-11-28T10:00:00Z
field() { "$PYTHON3" -c "import json,sys; d=json.load(open('$1')); print($2)"; }

# --- create ----------------------------------------------------------------------------------
expect_exit 0 "create from the example spec" -- mud create --from "$SPEC" -o t.json
check "the file is JSON with the spec's URL" \
  bash -c "[[ \$($PYTHON3 -c 'import json; print(json.load(open(\"t.json\"))[\"ietf-mud:mud\"][\"mud-url\"])') == https://devices.example.com/mud/thermostat.json ]]"
check "the file ends in a newline" bash -c "[[ \$(tail -c1 t.json | od -An -c | tr -d ' ') == '\\n' ]]"
check_eq "four ACLs (ipv4 and ipv6, each direction)" "$(field t.json "len(d['ietf-access-control-list:acls']['acl'])")" 4
expect_exit 2 "create refuses to overwrite" -- mud create --from "$SPEC" -o t.json
expect_stderr_has "t.json"
expect_exit 0 "create --force, spec from stdin, to stdout" -- mud create --from - --now "$NOW" <"$SPEC"
cp "$OUT" stdout.json
check "the same spec gives the same bytes" cmp -s t.json stdout.json
grep -v '^last-update' "$SPEC" >nodate.yaml
expect_exit 0 "create without last-update takes --now" -- mud create --from nodate.yaml --now 2027-01-02T03:04:05Z -o nodate.json
check_eq "last-update is --now" "$(field nodate.json "d['ietf-mud:mud']['last-update']")" 2027-01-02T03:04:05Z

# Spec errors: source, line and field; exit 3; no output file.
cat >bad.yaml <<'YAML'
mud-url: https://devices.example.com/mud/bad.json
allow:
  - to: update.example.com
    protocol: tcp
    port: 70000
YAML
expect_exit 3 "create: a port out of range" -- mud create --from bad.yaml -o bad.json
expect_stderr_has "bad.yaml:5: allow[0].port: 70000 is not 0..65535"
check "no output file after an error" test ! -e bad.json
printf 'mud-url: http://devices.example.com/m\n' >http.yaml
expect_exit 3 "create: an http MUD URL" -- mud create --from http.yaml -o http.json
expect_stderr_has "http.yaml:1: mud-url"
check "no output file after an error" test ! -e http.json
expect_exit 2 "create needs --from" -- mud create -o x.json

# --- validate --------------------------------------------------------------------------------
expect_exit 0 "validate the created file and the Luminaire vector" -- mud validate t.json "$LUMINAIRE"
expect_stdout_has "t.json: valid (https://devices.example.com/mud/thermostat.json, 4 ACLs, 20 ACEs)"
expect_stdout_has "Luminaire_150.json: valid"
expect_exit 0 "validate from stdin" -- mud validate - <"$LUMINAIRE"
"$PYTHON3" - t.json broken.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["ietf-mud:mud"]["cache-validity"] = 200
d["ietf-mud:mud"]["last-update"] = "2026-11-28T10:00:00"
d["ietf-mud:mud"]["from-device-policy"]["access-lists"]["access-list"][0]["name"] = "nowhere"
d["ietf-access-control-list:acls"]["acl"][1]["aces"]["ace"][0]["matches"]["tcp"]["destination-port"]["port"] = 70000
d["ietf-access-control-list:acls"]["acl"][1]["aces"]["ace"][2]["matches"]["ietf-mud:mud"]["my-controller"] = True
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
expect_exit 3 "validate: a broken file" -- mud validate broken.json
expect_stderr_has "broken.json: /ietf-mud:mud/last-update: \"2026-11-28T10:00:00\" is not a date-and-time with offset"
expect_stderr_has "broken.json: /ietf-mud:mud/cache-validity: must be 1..168, is 200"
expect_stderr_has "broken.json: /ietf-mud:mud/from-device-policy/access-lists/access-list/0/name: no ACL named \"nowhere\""
expect_stderr_has "broken.json: /ietf-access-control-list:acls/acl/1/aces/ace/0/matches/tcp/destination-port/port: must be 0..65535, is 70000"
expect_stderr_has "broken.json: /ietf-access-control-list:acls/acl/1/aces/ace/2/matches/ietf-mud:mud/my-controller: an empty leaf must be [null], is true"
check_eq "five violations, one line each" "$(grep -c '^broken.json: /' "$ERR")" 5
expect_stdout_empty
expect_exit 3 "validate: one bad file among good ones" -- mud validate t.json broken.json "$LUMINAIRE"
expect_stderr_has "1 of 3 files are not valid MUD files"
expect_exit 3 "validate --format json: a broken file" -- mud validate --format json broken.json
check "the report is JSON" is_json "$OUT"
check_eq "it lists the violations" "$(field "$OUT" "len(d['violations'])")" 5
check_eq "valid is false" "$(field "$OUT" "d['valid']")" False
check_eq "the first path" "$(field "$OUT" "d['violations'][0]['path']")" /ietf-mud:mud/last-update
expect_exit 0 "validate --format json: a good file" -- mud validate --format json t.json
check_eq "valid is true" "$(field "$OUT" "d['valid']")" True
printf '{"ietf-mud:mud": {"mud-version": 1, "mud-version": 1}}' >dup.json
expect_exit 3 "validate: a duplicate member" -- mud validate dup.json
expect_stderr_has 'duplicate member "mud-version"'
printf '{}{}' >garbage.json
expect_exit 3 "validate: trailing garbage" -- mud validate garbage.json
expect_stderr_has "syntax error"
head -c 300000 /dev/zero | tr '\0' ' ' >huge.json
expect_exit 3 "validate: an oversize file" -- mud validate huge.json
expect_stderr_has "larger than the limit"
expect_exit 3 "validate: a missing file" -- mud validate nowhere.json
expect_exit 2 "validate --format pem" -- mud validate --format pem t.json

# --- show and inspect ------------------------------------------------------------------------
expect_exit 0 "show the Luminaire vector" -- mud show "$LUMINAIRE"
expect_stdout_has "cl0-frdev: accept tcp to fw-update.luminaire.example.com port 443 (initiated by device)"
expect_stdout_has "cl0-todev: accept tcp from fw-update.luminaire.example.com port 443 (initiated by device)"
expect_stdout_has "loc0-frdev: accept udp to local networks port 5683"
expect_exit 0 "show --format json" -- mud show --format json t.json
check_eq "type mud-file" "$(field "$OUT" "d['type']")" mud-file
check_eq "ctl flow, to the device's port" "$(field "$OUT" "d['to-device'][list(d['to-device'])[0]]['ctl-todev']")" \
  "accept udp from my controller device port 5683"
expect_exit 3 "show: a broken file" -- mud show broken.json
expect_stderr_has "broken.json: /ietf-mud:mud/cache-validity"
expect_exit 0 "inspect recognises a MUD file" -- inspect "$LUMINAIRE"
expect_stdout_has "type: mud-file"
expect_stdout_has "myctl0-frdev: accept udp to my controller port 5684"
expect_exit 0 "inspect --format json" -- inspect --format json t.json
check_eq "inspect: type mud-file" "$(field "$OUT" "d['type']")" mud-file
expect_exit 3 "inspect: a broken MUD file says why" -- inspect broken.json
expect_stderr_has "/ietf-mud:mud/cache-validity: must be 1..168"
printf '{"note": "ietf-mud:mud"}' >notmud.json
expect_exit 3 "inspect: JSON that only mentions the name is not a MUD file" -- inspect notmud.json
expect_stderr_has "not a recognised artifact"

# --- help ------------------------------------------------------------------------------------
expect_exit 0 "mud create --help documents the spec" -- mud create --help
expect_stdout_has "initiated-by: device|remote|either"
expect_exit 0 "mud validate --help documents the checks" -- mud validate --help
expect_stdout_has "cache-validity"

finish
