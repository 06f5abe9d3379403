#!/bin/bash
# Secrets: a wrong or missing CA password is bad input (exit 3) that says so and writes
# nothing; new keys must be protected unless --no-password --insecure; the password comes
# from a file or the environment variable the help names, never from the command line.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair
printf 'not the password\n' >wrong

expect_exit 3 "idevid mint with the wrong CA password" -- idevid mint --ca-cert ca.crt --ca-key ca.key \
  --ca-password-file wrong --serial SN-1 --out-dir out
expect_stderr_has "password"
expect_stderr_has "ca.key"
expect_stdout_empty
check "nothing written (no out dir)" test ! -e out

mkdir existing-out
expect_exit 3 "wrong CA password into an existing out dir" -- idevid mint --ca-cert ca.crt --ca-key ca.key \
  --ca-password-file wrong --count 2 --serial-format 'S-{}' --out-dir existing-out
check_eq "existing out dir still empty" "$(ls -A existing-out)" ""

expect_exit 3 "idevid mint with no CA password and no terminal" -- idevid mint --ca-cert ca.crt --ca-key ca.key \
  --serial SN-1 --out-dir out
expect_stderr_has "password"
check "nothing written" test ! -e out

expect_exit 3 "ca create under a parent with the wrong password" -- ca create --profile intermediate --subject CN=i2 \
  --parent-cert root.crt --parent-key root.key --parent-password-file wrong --out-cert i2.crt --out-key i2.key --password-file pw
expect_stderr_has "password"
check "neither i2.crt nor i2.key written" test ! -e i2.crt -a ! -e i2.key

expect_exit 3 "an empty password file" -- idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file /dev/null \
  --serial SN-1 --out-dir out
check "nothing written" test ! -e out

# The environment variable the help names
export IOTONB_CA_PASSWORD='not the password'
expect_exit 3 "IOTONB_CA_PASSWORD wrong" -- idevid mint --ca-cert ca.crt --ca-key ca.key --serial SN-1 --out-dir out
expect_stderr_has "password"
export IOTONB_CA_PASSWORD='cli test password'
expect_exit 0 "IOTONB_CA_PASSWORD right" -- idevid mint --ca-cert ca.crt --ca-key ca.key --serial SN-1 --out-dir out --no-progress
check "minted with the password from the environment" test -f out/SN-1/idevid.crt
unset IOTONB_CA_PASSWORD

# New keys
expect_exit 2 "a new CA key without any password source" -- ca create --subject CN=n --out-cert n.crt --out-key n.key
expect_stderr_has "--password-file"
check "nothing written" test ! -e n.crt -a ! -e n.key
printf 'short\n' >short
expect_exit 2 "a password shorter than 8 characters" -- ca create --subject CN=n --out-cert n.crt --out-key n.key --password-file short
check "nothing written" test ! -e n.crt -a ! -e n.key
expect_exit 2 "--no-password without --insecure" -- key generate -o n.key --no-password
check "nothing written" test ! -e n.key
expect_exit 2 "a password on the command line is not an option" -- ca create --subject CN=n --out-cert n.crt --out-key n.key \
  --password 'secret password'
IOTONB_PASSWORD='environment password' expect_exit 0 "IOTONB_PASSWORD for the new key" -- key generate -o env.key
check "the key is encrypted with IOTONB_PASSWORD" openssl pkey -in env.key -passin 'pass:environment password' -noout

# --key-password-file for an existing key
"$IOTONB_BIN" key generate -o dev.key --password-file pw 2>/dev/null
expect_exit 3 "csr create with an encrypted key and the wrong password" -- csr create --subject CN=d --key dev.key \
  --key-password-file wrong -o d.csr
expect_stderr_has "password"
check "no request written" test ! -e d.csr
expect_exit 0 "csr create with the right password" -- csr create --subject CN=d --key dev.key --key-password-file pw -o d.csr

finish
