"""Run the README's "Quick start in Python" code, taken from nbs/index.ipynb, in the current interpreter.

CI runs it with the demo's environment (`pip install .`, no dev extras, no network) to show that a user who only
installed the package can paste the quick start and have it work. Exits non-zero, naming the cell, if any cell fails.
Usage: python scripts/run_quick_start.py [path/to/index.ipynb]
"""
import json, sys, traceback
from pathlib import Path

def quick_start_cells(notebook: Path, heading='## Quick start') -> list[str]:
    "Sources of the code cells after the markdown cell starting with `heading`, up to the next `## ` heading."
    cells, inside = json.loads(notebook.read_text())['cells'], False
    found = []
    for cell in cells:
        source = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown':
            if source.startswith(heading): inside = True
            elif inside and source.lstrip().startswith('## '): break
        elif inside: found.append(source)
    if not found: raise SystemExit(f"{notebook}: no code cells under a markdown cell starting with {heading!r}")
    return found

def main():
    notebook = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1]/'nbs'/'index.ipynb')
    namespace = {'__name__': '__quick_start__'}
    for i, source in enumerate(quick_start_cells(notebook)):
        try: exec(compile(source, f'{notebook.name} quick-start cell {i}', 'exec'), namespace)
        except Exception:
            traceback.print_exc()
            raise SystemExit(f"the quick start failed in its cell {i} ({notebook})")
    print(f"quick start ran: {i + 1} cell(s) from {notebook}")

if __name__ == '__main__': main()
