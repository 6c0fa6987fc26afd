#!/bin/sh
# Counter tablet benchmarks (#12), figures in docs/performance.md ("Counter tablet"):
#   - drain: N answers queued offline on an enrolled tablet (IndexedDB), then the network returns; time until the
#     page shows none waiting, and a check that exactly N are stored, each once (CCHC_BENCH_QUEUED, default 1000);
#   - offline time to interactive of /kiosk/{counter} after the browser was closed and reopened without network.
# Debian's Chromium (/usr/bin/chromium); holds /tmp/cchc-build.lock while measuring on a shared machine.
set -eu
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CCHC_BENCH=1
dotnet build tests/CchcSurvey.Browser.Tests -v q -nologo
flock -o /tmp/cchc-build.lock dotnet test tests/CchcSurvey.Browser.Tests --no-build \
  --filter "FullyQualifiedName~KioskBenchmarks" --logger "console;verbosity=detailed" | grep -E "DRAIN|TTI_OFFLINE|Passed|Failed"
