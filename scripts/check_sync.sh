#!/usr/bin/env bash
# Fail if the notebooks and the library are out of sync, or README.md is stale.
# Run from a clean checkout: nbdev-clean and nbdev-export must change nothing that git tracks.
set -euo pipefail
bin=${NBDEV_BIN:-$(dirname "$(command -v nbdev-export)")}
"$bin/nbdev-clean" >/dev/null
"$bin/nbdev-export" >/dev/null
python3 scripts/make_readme.py --check
drift=$(git status --porcelain --untracked-files=normal -- nbs sr_colab README.md)
if [ -n "$drift" ]; then
  echo "Out of sync: nbdev-clean / nbdev-export changed these files:" >&2
  echo "$drift" >&2
  git --no-pager diff --stat >&2
  echo "Edit the notebooks, run nbdev-export and nbdev-clean, and commit both." >&2
  exit 1
fi
echo "Notebooks, library and README.md are in sync."
