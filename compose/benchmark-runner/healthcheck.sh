#!/bin/sh
# Healthy when the runner can do its job: its tools run and /results is writable.
set -eu
hyperfine --version >/dev/null || { echo 'hyperfine does not run' >&2; exit 1; }
[ -d /benchmarks ] || { echo '/benchmarks is not mounted' >&2; exit 1; }
probe="/results/.health-$$"
: >"$probe" || { echo '/results is not writable' >&2; exit 1; }
rm -f "$probe"
echo ok
