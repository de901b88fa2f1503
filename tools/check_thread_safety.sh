#!/usr/bin/env bash
# Checks the lock annotations (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED) with clang's
# -Wthread-safety, which g++ does not implement. Syntax-only, so it takes seconds, not a build.
# LibTorch code is skipped: it holds no annotated locks and its headers are slow to parse.
set -euo pipefail
cd "$(dirname "$0")/.."

files=$(find src -name '*.cc' -not -path 'src/backends/*' | sort)
printf '%s\n' $files | xargs -P "$(nproc)" -I{} \
  clang++ -std=c++20 -fsyntax-only -Wthread-safety -Werror=thread-safety \
    -Wno-unknown-warning-option -Isrc -I"${BUILD_DIR:-build}/src/proto" {}
echo "thread-safety: $(printf '%s\n' $files | wc -l) files checked"
