"""Exported cells stay short (issue 16 item 5): no `#| export` cell in nbs/*.ipynb is over 60 lines."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60

def long_exported_cells(nb:dict, limit:int=LIMIT) -> list:
    "(cell id, lines) of every exported code cell of notebook `nb` longer than `limit` lines."
    out = []
    for c in nb['cells']:
        text = ''.join(c['source'])
        if c['cell_type'] == 'code' and text.lstrip().startswith(('#| export', '#|export')):
            n = len(text.splitlines())
            if n > limit: out.append((c.get('id'), n))
    return out

def test_the_check_can_fail():
    cell = lambda text: {'cell_type': 'code', 'id': 'x', 'source': text}
    nb = {'cells': [cell('#| export\n' + 'a = 1\n' * LIMIT), cell('#| export\n' + 'b = 1\n' * (LIMIT - 1)),
                    cell('c = 1\n' * 100)]}
    assert long_exported_cells(nb) == [('x', LIMIT + 1)]  # only the exported cell over the limit

def test_no_exported_cell_over_60_lines():
    long = {p.name: cells for p in sorted((ROOT / 'nbs').glob('*.ipynb'))
            if (cells := long_exported_cells(json.loads(p.read_text())))}
    assert not long, f"exported cells over {LIMIT} lines (split them, a sentence before and an example after each): {long}"
