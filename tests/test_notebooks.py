"""Run every notebook's tests (the cells below each exported function) as one pytest test per notebook.

Cells flagged `#| slow`, `#| gpu` or `#| network` are skipped unless named in SR_COLAB_TEST_FLAGS (e.g. "slow gpu")."""
import os, time
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_notebook  # renamed: pytest would collect a `test_nb` name as a test

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in [*(ROOT / 'nbs').glob('*.ipynb'), *(ROOT / 'nbs' / 'tutorials').glob('*.ipynb')]
                   if not p.name.startswith('_'))
FLAGS = os.environ.get('SR_COLAB_TEST_FLAGS', '').split()

@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / 'nbs').with_suffix('')))
def test_notebook(notebook):
    skip = [f for f in ('slow', 'gpu', 'network') if f not in FLAGS]
    ok, seconds = run_notebook(notebook, skip_flags=skip, force_flags=FLAGS, showerr=True)
    print(f"{notebook.name}: {seconds:.1f} s")
    assert ok, f"a cell of {notebook.name} failed (traceback above)"
