#!/usr/bin/env bash
# Builds the ringkv node image from this checkout without any registry:
#   deploy/build-image.sh [--base] [--prebuilt] [--tag ringkv:dev] [--runtime IMAGE]
#   --base      first build ringkv-node-base:local FROM scratch: the host's node binary and the
#               shared libraries ldd lists (glibc), and use it as build and runtime image.
#   --prebuilt  stage the compiled app (dist/ as built by `npm run build`, which runs first when
#               dist/ is missing, and production node_modules) into the context, so the build
#               stage needs neither npm nor the network.
# Without flags it stages the sources only and uses node:20-bookworm-slim (needs a registry).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=ringkv:dev runtime=node:20-bookworm-slim base=0 prebuilt=0
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=1 ;;
    --prebuilt) prebuilt=1 ;;
    --tag) tag=$2; shift ;;
    --runtime) runtime=$2; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d -t ringkv-image-XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ "$base" = 1 ]; then
  node_bin=$(readlink -f "$(command -v node)")
  mkdir -p "$work/base/usr/local/bin" "$work/base/tmp" "$work/base/data"
  cp "$node_bin" "$work/base/usr/local/bin/node"
  for lib in $(ldd "$node_bin" | grep -oE '/[^ ]+'); do
    mkdir -p "$work/base$(dirname "$lib")"
    cp -L "$lib" "$work/base$lib"
  done
  chmod 1777 "$work/base/tmp"
  printf 'FROM scratch\nCOPY base/ /\nENV PATH=/usr/local/bin\n' > "$work/base.Dockerfile"
  docker build -q -f "$work/base.Dockerfile" -t ringkv-node-base:local "$work" >/dev/null
  runtime=ringkv-node-base:local
fi

ctx="$work/ctx"
mkdir -p "$ctx/deploy"
cp -r package.json package-lock.json tsconfig.json tsconfig.build.json bin proto src "$ctx/"
cp deploy/build-stage.mjs "$ctx/deploy/"
if [ "$prebuilt" = 1 ]; then
  [ -f dist/cli/main.js ] || npm run build >/dev/null
  mkdir -p "$ctx/out"
  cp -r bin dist proto package.json package-lock.json "$ctx/out/"
  cp -r node_modules "$ctx/out/node_modules"
  (cd "$ctx/out" && npm prune --omit=dev --no-audit --no-fund >/dev/null)
fi
build_image=$runtime
[ "$prebuilt" = 1 ] || build_image=node:20-bookworm-slim
docker build -f deploy/Dockerfile --build-arg "BUILD_IMAGE=$build_image" --build-arg "RUNTIME_IMAGE=$runtime" -t "$tag" "$ctx"
echo "built $tag (runtime $runtime)"
