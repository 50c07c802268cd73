#!/usr/bin/env bash
# Publishes the NativeAOT binary to artifacts/publish/jaula (the C stage is compiled and linked by MSBuild).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish src/Jaula/Jaula.csproj -c Release -r linux-x64 -nologo -v quiet -p:TreatWarningsAsErrors=true
test -x artifacts/publish/jaula
echo "build: artifacts/publish/jaula ($(stat -c %s artifacts/publish/jaula) bytes)"
