#!/usr/bin/env bash
# Builds everything and runs every test. The tests start and stop their own PostgreSQL servers.
set -euo pipefail
cd "$(dirname "$0")"
results="$PWD/artifacts/test-results"
rm -rf "$results"
dotnet build Misty.sln -c Release -nologo -clp:ErrorsOnly
status=0
dotnet test Misty.sln -c Release --no-build --nologo --results-directory "$results" \
  --logger "trx;LogFileName=misty.trx" --logger "console;verbosity=normal" "$@" || status=$?

# One plain closing line, summed over every test project's results.
python3 - "$results" <<'PY' || true
import glob, re, sys
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    text = open(path, encoding="utf-8").read()
    counters = re.search(r"<Counters ([^>]*)/>", text)
    if counters:
        values = dict(re.findall(r'(\w+)="(\d+)"', counters.group(1)))
        passed += int(values.get("passed", 0))
        failed += int(values.get("failed", 0))
        skipped += int(values.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
