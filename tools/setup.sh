#!/usr/bin/env bash
# Installs the Debian 12 packages Serval needs to build, test and run. Idempotent: installs only
# what is missing. Runs apt-get as root, or through sudo otherwise.
#
#   tools/setup.sh           build, test and run
#   tools/setup.sh --bench   also the benchmark peers (wrk, nginx, FastAPI + uvicorn)
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config make
  # clang only checks lock annotations (tools/check_thread_safety.sh); g++ builds.
  clang
  libabsl-dev libboost-dev libsimdjson-dev libyaml-cpp-dev libgtest-dev libgmock-dev
  # TF Serving's config files (--model_config_file) are protocol-buffer text; see proto/.
  protobuf-compiler libprotobuf-dev
  # The gRPC front end (TF Serving's and KServe's services) and its code generator.
  libgrpc++-dev protobuf-compiler-grpc
  libtorch-dev python3-torch
  # Without an optimized BLAS, Debian's LibTorch falls back to the reference BLAS and linear
  # layers run ~7x slower.
  libopenblas0-pthread
  # The serval binary's allocator: many small allocations a request, freed on another thread
  # (bench/results/grpc_predict_profile.md).
  libtcmalloc-minimal4
  curl
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(wrk nginx-light python3-fastapi python3-uvicorn util-linux procps python3-torchvision)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
