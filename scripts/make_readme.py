#!/usr/bin/env python3
"""Write README.md from nbs/index.ipynb, offline (nbdev-readme needs Quarto, which we don't have).

Markdown cells are copied as they are; code cells become ```python blocks; `#|` directive lines are
dropped and cells marked `#| hide` are left out. A markdown line `{{< include PATH >}}` (Quarto's
syntax, PATH relative to nbs/) is replaced by that file's text, its headings nested two levels
deeper, which is how benchmark results written by scripts reach the README. A number quoted in prose
comes from a results file the same way, never typed in: `{{< value PATH KEYS FORMAT >}}` (PATH relative to
nbs/, KEYS a '/'-separated path into its JSON, FORMAT a Python format spec; quote an argument that holds
spaces) is replaced by that value, formatted. In a list, a key is an index, or `field=value[&field=value]`
for the one element whose fields match (so a quote survives rows added to a results file). `--check` changes nothing and
exits 1 if README.md is stale, so a rerun benchmark that moves a quoted number fails the sync check.
"""
import argparse, json, re, shlex, sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^\{\{<\s*include\s+(\S+)\s*>\}\}\s*$')
HEADER = '<!-- Generated from nbs/index.ipynb by scripts/make_readme.py: edit the notebook, not this file. -->\n\n'

def _directives(lines):
    return [l for l in lines if l.startswith('#|')], [l for l in lines if not l.startswith('#|')]

VALUE = re.compile(r'\{\{<\s*value\s+(.+?)\s*>\}\}')

@lru_cache(maxsize=None)
def _load_json(file:Path):
    "A results file or card, parsed once however many numbers the README quotes from it (callers only read it)."
    return json.loads(file.read_text())

def _shown(nb:Path) -> str:
    "The notebook as error messages name it: relative to the repository when it lies inside it."
    nb = Path(nb).resolve()
    return str(nb.relative_to(ROOT)) if nb.is_relative_to(ROOT) else str(nb)

def _value(args, nb:Path):
    "The text for one `{{< value PATH KEYS FORMAT >}}` in notebook `nb`; exits naming the file and key when either is missing."
    path, keys, *fmt = shlex.split(args)
    file = (nb.parent / path).resolve()
    if not file.is_file(): sys.exit(f"make_readme: {file} (quoted in {_shown(nb)}) does not exist")
    value = _load_json(file)
    for key in keys.split('/'):
        if isinstance(value, list) and '=' in key:
            found = [row for row in value if isinstance(row, dict) and all(_matches(row, c) for c in key.split('&'))]
            if len(found) != 1: sys.exit(f"make_readme: {len(found)} rows of {file} match {key!r} (in {keys!r}, quoted in {_shown(nb)}); make it select one")
            value = found[0]; continue
        try: value = value[int(key)] if isinstance(value, list) else value[key]
        except (KeyError, IndexError, ValueError, TypeError):
            sys.exit(f"make_readme: {file} has no {keys!r} (no {key!r} there), quoted in {_shown(nb)}")
    return format(value, fmt[0] if fmt else '')

def _matches(row, condition):
    "Whether `row[field]` equals the text after '=' (as a number when the field is one: 'minutes=30' matches 30.0)."
    field, _, want = condition.partition('=')
    have = row.get(field)
    if isinstance(have, (int, float)) and not isinstance(have, bool):
        try: return have == float(want)
        except ValueError: return False
    return str(have) == want

def _markdown(src, nb:Path):
    out = []
    for line in src.split('\n'):
        line = VALUE.sub(lambda m: _value(m.group(1), nb), line)
        m = INCLUDE.match(line.strip())
        if not m: out.append(line); continue
        path = (nb.parent / m.group(1)).resolve()
        if not path.is_file(): sys.exit(f"make_readme: {path} (included from {_shown(nb)}) does not exist")
        text = path.read_text().rstrip('\n')
        # an included results file starts at '#': nest its headings under the README's '## Results'
        text = re.sub(r'^(#+) ', lambda h: '##' + h.group(1) + ' ', text, flags=re.M)
        out.append(text)
    return '\n'.join(out)

def render(nb_path=ROOT / 'nbs' / 'index.ipynb'):
    "The README text for the notebook at `nb_path`."
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown':
            parts.append(_markdown(src, Path(nb_path)))
        elif cell['cell_type'] == 'code':
            dirs, body = _directives(src.split('\n'))
            if any(re.match(r'#\|\s*(hide|default_exp|eval:\s*false\s+hide)', d) for d in dirs): continue
            body = '\n'.join(body).strip('\n')
            if body: parts.append(f"```python\n{body}\n```")
    return HEADER + '\n\n'.join(p.strip('\n') for p in parts if p.strip()) + '\n'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='exit 1 if README.md is not what nbs/index.ipynb gives')
    args = ap.parse_args()
    text, readme = render(), ROOT / 'README.md'
    if args.check:
        if not readme.exists() or readme.read_text() != text:
            sys.exit("README.md is stale: run `python scripts/make_readme.py` and commit the result.")
        print("README.md is current.")
    else:
        readme.write_text(text)
        print(f"wrote {readme}")
