#!/usr/bin/env bash
# Runs SotopiaPi's whole test suite from a clean clone: installs what the tests need when it is missing,
# builds once, runs every test project, and ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is required" >&2
  exit 2
fi
if [ ! -d ../shared/data/sotopia ] && [ ! -d shared/data/sotopia ]; then
  echo "warning: ../shared/data/sotopia is missing; the tests that read the original SOTOPIA data will fail" >&2
fi

# The PostgreSQL tests start their own private server from the PostgreSQL binaries (the test fixture runs
# initdb and pg_ctl as the user postgres); install them when missing. No cluster is started here.
if [ -z "${SOTOPIA_TEST_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing PostgreSQL (apt-get install postgresql)"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "error: PostgreSQL was installed but /usr/lib/postgresql/*/bin/initdb is still missing" >&2
    exit 2
  fi
fi

# The dashboard's browser tests drive Debian's Chromium through Playwright (never a downloaded browser);
# install it when missing.
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium (apt-get install chromium)"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  if [ ! -x /usr/bin/chromium ]; then
    echo "error: chromium was installed but /usr/bin/chromium is still missing" >&2
    exit 2
  fi
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# The azure profile's tests start their own Azure Storage emulator (Azurite, from npm) on free ports.
if ! command -v azurite >/dev/null 2>&1; then
  echo "== installing Azurite (npm install -g azurite)"
  npm install -g azurite --no-audit --no-fund >/dev/null || sudo npm install -g azurite --no-audit --no-fund >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# The deployment tests validate the Kubernetes manifests offline with the npm kubernetes-models validators.
if [ ! -d tests/k8s-validate/node_modules ]; then
  (cd tests/k8s-validate && npm ci --no-audit --no-fund)
fi

dotnet build SotopiaPi.sln -c Release -nologo -v quiet

status=0
for project in tests/*/*Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  if ! dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 20m \
      --logger "console;verbosity=normal" 2>&1 | tee "$results/$name.log"; then
    status=1
  fi
done

# vstest's summary per project: "     Passed: N" and, when some failed, "     Failed: N".
passed=$(cat "$results"/*.log | sed -n 's/^[[:space:]]*Passed:[[:space:]]*\([0-9]\+\)[[:space:]]*$/\1/p' | awk '{s+=$1} END {print s+0}')
failed=$(cat "$results"/*.log | sed -n 's/^[[:space:]]*Failed:[[:space:]]*\([0-9]\+\)[[:space:]]*$/\1/p' | awk '{s+=$1} END {print s+0}')
if [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  status=1
fi
if [ "$failed" -ne 0 ]; then
  status=1
fi
if [ "$failed" -ne 0 ]; then
  # The failures again, with their messages, so the end of the log says what failed.
  echo "== failed tests"
  cat "$results"/*.log | awk '/^  Failed [A-Za-z]/ {show=1; n=0} /^  Passed [A-Za-z]/ {show=0} show && n++ < 40'
fi
echo "$passed passed, $failed failed"
exit $status
