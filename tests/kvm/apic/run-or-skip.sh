#!/bin/sh
# run-or-skip.sh RUN_GUEST ARGS...: run-guest.sh expecting exit 0, except that
# a guest SKIP (synvmm exit 77 and a "SKIP:" line) becomes meson's skip (77):
# for cases that depend on what the VMM advertises (e.g. TSC-deadline).
set -u
run_guest=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$run_guest" "$@" >"$out" 2>&1
status=$?
cat "$out"
if [ "$status" != 0 ] && grep -q '^FAIL: exit status 77, expected 0$' "$out" &&
   grep -q ': SKIP: ' "$out"; then
	echo "SKIP: the guest skipped (see its SKIP line)"
	exit 77
fi
exit $status
