#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test SotopiaPi.sln -c Release
