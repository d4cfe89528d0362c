"""The CI's sync check must be able to fail: a notebook edited but not exported is caught."""
import json, os, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

def _run(cmd, cwd):
    env = {**os.environ, 'NBDEV_BIN': str(BIN), 'PATH': f"{BIN}:{os.environ['PATH']}"}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)

@pytest.fixture
def clone(tmp_path):
    if shutil.which('git') is None or not (ROOT / '.git').exists(): pytest.skip('needs a git checkout')
    subprocess.run(['git', 'clone', '-q', str(ROOT), str(tmp_path / 'c')], check=True)
    c = tmp_path / 'c'
    for k, v in (('user.name', 'test'), ('user.email', 'test@example.org')): subprocess.run(['git', 'config', k, v], cwd=c, check=True)
    return c

def test_sync_check_passes_then_catches_an_unexported_edit(clone):
    ok = _run(['bash', 'scripts/check_sync.sh'], clone)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    nb_path = clone / 'nbs' / '00_core.ipynb'
    nb = json.loads(nb_path.read_text())
    cell = next(c for c in nb['cells'] if c['cell_type'] == 'code' and 'def in_colab' in ''.join(c['source']))
    cell['source'] = ''.join(cell['source']).replace('def in_colab', 'def in_google_colab')
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    subprocess.run(['git', 'commit', '-qam', 'edit a notebook, forget to export'], cwd=clone, check=True)
    bad = _run(['bash', 'scripts/check_sync.sh'], clone)
    assert bad.returncode != 0
    assert 'sr_colab/core.py' in bad.stderr, bad.stderr

def test_readme_check_catches_a_stale_readme(clone):
    readme = clone / 'README.md'
    readme.write_text(readme.read_text() + '\nhand edit\n')
    r = _run([sys.executable, 'scripts/make_readme.py', '--check'], clone)
    assert r.returncode != 0 and 'stale' in r.stderr
