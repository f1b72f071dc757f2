#!/usr/bin/env bash
# Check that requirements.lock installs from wheels alone on Linux, macOS (Apple silicon and
# Intel) and Windows, for Python 3.11 to 3.13: for each, uv resolves the project with the
# lock as constraints and building from source disabled, so a pin without a wheel there
# fails with its name, and a package the lock lacks there is named too. Needs uv (pip
# install uv). Regenerate the lock first, with the command in its header; a version the
# resolver must avoid goes in pyproject.toml's [tool.uv] constraint-dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-uv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pins() { grep -E '^[a-z0-9]' "$1" | cut -d' ' -f1; }
pins requirements.lock >"$work/lock"
status=0
for platform in x86_64-manylinux_2_28 aarch64-apple-darwin x86_64-apple-darwin x86_64-pc-windows-msvc; do
  for python in 3.11 3.12 3.13; do
    if "$uv" pip compile pyproject.toml --extra test --constraint requirements.lock \
        --python-platform "$platform" --python-version "$python" --only-binary :all: \
        --no-header --no-annotate --quiet -o "$work/resolved" 2>"$work/error"; then
      missing=$(pins "$work/resolved" | grep -vxF -f "$work/lock" || true)
      if [ -z "$missing" ]; then
        echo "ok      $platform  Python $python"
        continue
      fi
      echo "FAILED  $platform  Python $python: not in the lock: $missing"
    else
      echo "FAILED  $platform  Python $python"; sed 's/^/        /' "$work/error"
    fi
    status=1
  done
done
exit $status
