# ok_bad.sh -- the counting every shell test shares.  Source it from the
# top of the tree (`. tests/helpers/ok_bad.sh`): ok, bad and skipped each
# count one check and print one line; the script prints its own
# "NAME: N passed, N failed[, N skipped]" from pass, fail and skip.
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
skipped() { skip=$((skip + 1)); echo "SKIP $*"; }
