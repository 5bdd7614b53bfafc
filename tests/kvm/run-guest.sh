#!/bin/sh
# Runs synvmm once and checks its exit status and output.
#
#   run-guest.sh [--no-kvm] SYNVMM EXPECTED_EXIT [--expect ERE]... [--reject ERE]... -- ARGS...
#
# --expect: an extended regex that must match a line of the combined
# stdout+stderr; --reject: one that must not. Without --no-kvm the test is
# skipped (exit 77, reason printed) where the KVM device does not exist.
# POSIX sh only: the nested lab runs it under busybox too.
set -u

needs_kvm=1
if [ "${1:-}" = "--no-kvm" ]; then
	needs_kvm=0
	shift
fi
synvmm=$1
want=$2
shift 2

expects=$(mktemp)
rejects=$(mktemp)
out=$(mktemp)
trap 'rm -f "$expects" "$rejects" "$out"' EXIT

while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	case $1 in
	--expect) printf '%s\n' "$2" >>"$expects"; shift 2 ;;
	--reject) printf '%s\n' "$2" >>"$rejects"; shift 2 ;;
	*) echo "run-guest.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ "${1:-}" = "--" ] && shift

kvm=${SYNVMM_KVM_DEVICE:-/dev/kvm}
if [ "$needs_kvm" = 1 ] && [ ! -e "$kvm" ]; then
	echo "SKIP: $kvm does not exist on this host; the kvm suite runs in the nested lab (tests/lab/lab-run)"
	exit 77
fi

echo "\$ $synvmm $*"
"$synvmm" "$@" >"$out" 2>&1
got=$?
cat "$out"
status=0
if [ "$got" != "$want" ]; then
	echo "FAIL: exit status $got, expected $want"
	status=1
fi
while IFS= read -r re; do
	if ! grep -Eq -- "$re" "$out"; then
		echo "FAIL: no output line matches /$re/"
		status=1
	fi
done <"$expects"
while IFS= read -r re; do
	if grep -Eq -- "$re" "$out"; then
		echo "FAIL: an output line matches /$re/, which must not appear"
		status=1
	fi
done <"$rejects"
[ "$status" = 0 ] && echo "ok: exit $got and output as expected"
exit $status
