#!/usr/bin/env bash
# Everything that needs a GPU, in one run of at most ~8 minutes on a GPU machine (a Colab T4, or the project's lent GPU):
#   1. every `#| gpu` notebook cell: the notebook tests of the notebooks that have one, with SR_COLAB_TEST_FLAGS=gpu
#      (at most 5 minutes);
#   2. a T4-shaped training benchmark (scripts/gpu_check.py: 256px HR crops, batch 16, fp32 against fp16 + channels_last,
#      peak memory, the perceptual loss on random VGG weights), at most 2.5 minutes,
# and writes benchmarks/results/gpu_check.md and .json. On a machine without CUDA it refuses at once (exit 2).
#
#   bash scripts/gpu_check.sh            # PY=/path/to/python to choose the interpreter
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python}
if ! "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  echo "gpu_check.sh: torch sees no CUDA GPU here, so there is nothing to check. Run it on a GPU machine" \
       "(Colab: Runtime > Change runtime type > T4 GPU). For a CPU smoke test of the benchmark: $PY scripts/gpu_check.py --tiny --out DIR" >&2
  exit 2
fi
"$PY" -c "import torch; print('GPU:', torch.cuda.get_device_name(), '| torch', torch.__version__, '| CUDA', torch.version.cuda)"
export SR_COLAB_RUNS=${SR_COLAB_RUNS:-$(mktemp -d /tmp/sr_colab_gpu_check.XXXXXX)}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
summary=$(mktemp /tmp/sr_colab_gpu_cells.XXXXXX)

# 1. the notebooks holding a `#| gpu` cell (a line that is exactly the directive), run with the gpu flag
ids=$("$PY" - <<'PY'
import json, pathlib
nbs = sorted([*pathlib.Path('nbs').glob('*.ipynb'), *pathlib.Path('nbs/tutorials').glob('*.ipynb')])
has = [p for p in nbs if any(c['cell_type'] == 'code' and any(l.strip() == '#| gpu' for l in c['source'])
                              for c in json.loads(p.read_text())['cells'])]
print(' or '.join(str(p.relative_to('nbs').with_suffix('')) for p in has))
PY
)
echo "notebooks with #| gpu cells: $ids"
start=$(date +%s)
SR_COLAB_TEST_FLAGS=gpu timeout 300 "$PY" -m pytest tests/test_notebooks.py -q -k "$ids" -p no:cacheprovider 2>&1 | tee "$summary.log"
cells_rc=${PIPESTATUS[0]}
{ echo "Notebooks with \`#| gpu\` cells, run with SR_COLAB_TEST_FLAGS=gpu: \`$ids\`; pytest exit code $cells_rc" \
       "($([ "$cells_rc" = 124 ] && echo 'stopped at the 300 s limit' || echo "$(( $(date +%s) - start )) s"))."
  echo; echo '```'; tail -n 3 "$summary.log"; echo '```'; } > "$summary"

# 2. the benchmark; it writes benchmarks/results/gpu_check.md/.json with the summary above
timeout 150 "$PY" scripts/gpu_check.py --notebooks "$summary"
bench_rc=$?
echo "gpu_check.sh: notebook gpu cells exit $cells_rc, benchmark exit $bench_rc; results in benchmarks/results/gpu_check.md"
[ "$cells_rc" = 0 ] && [ "$bench_rc" = 0 ]
