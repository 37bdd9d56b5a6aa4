#!/usr/bin/env python3
"""Holds the folders of Sources/TTSArchiveCore to one direction (issue 18).

TTSArchiveCore is one Swift module, so the compiler lets any folder name any other folder's
types. This check does what the compiler cannot: it collects the top-level types each folder
declares (struct, class, enum, protocol, actor, typealias; `extension X` declares nothing), finds
which of them each file names outside comments and string literals, and fails on every use of a
type from a folder of the same or a higher layer. Every edge points strictly downward.

    python3 scripts/check_layers.py   # the folder graph, or exit 1 and one line per offending use

The layers are LAYERS below, lowest first; folders of one layer must not use each other. Run by
`make test`.
"""
import re
import sys
from collections import defaultdict
from pathlib import Path

LAYERS = [
    ["Support"],                          # time, JSON, the API transport, errors, retries, pools
    ["Auth", "Store"],                    # request signers; how bytes are kept (objects, files, lock)
    ["MetaStudio"],                       # the API's client and job types (signs with Auth)
    ["Checks"],                           # content checks of MetaStudio's artifact kinds
    ["Download", "Manifest", "S3"],       # one artifact's transfer; the night's record; the S3 store
    ["Run"],                              # the night: scheduler, journal, queue, downloader, shard spec
    ["Audit", "Inventory", "Ops", "Shard"],  # what reads finished nights; wiring (OpenedArchive)
]

ROOT = Path(__file__).resolve().parent.parent / "Sources" / "TTSArchiveCore"
RANK = {folder: rank for rank, folders in enumerate(LAYERS) for folder in folders}
DECL = re.compile(r"\b(?:struct|class|enum|protocol|actor|typealias)\s+(?!(?:func|var|let)\b)([A-Za-z_]\w*)")
IDENT = re.compile(r"(?<![\w.])[A-Za-z_]\w*")  # not after a dot: members, nested types
STRING_OPEN = re.compile(r'(#*)("""|")')


def code_of(text):
    """The text with comments and string literals blanked (kept: line breaks, interpolated code)."""
    out, i, n = [], 0, len(text)
    strings = []  # open literals, innermost last: [#s of a raw string, multiline?, ( depth or None]
    while i < n:
        if strings and strings[-1][2] is None:  # in a literal's text
            hashes, multi, _ = strings[-1]
            close = ('"""' if multi else '"') + "#" * hashes
            if text.startswith("\\" + "#" * hashes + "(", i):  # \( or \#( opens interpolated code
                strings[-1][2] = 0
                i += 2 + hashes
            elif text.startswith(close, i):
                strings.pop()
                i += len(close)
            else:
                step = 2 if text[i] == "\\" and not hashes else 1
                out.append("\n" * text.count("\n", i, i + step))
                i += step
        elif text.startswith("//", i):
            i = n if text.find("\n", i) < 0 else text.find("\n", i)
        elif text.startswith("/*", i):
            depth, start = 0, i
            while i < n and (depth or i == start):
                depth += text.startswith("/*", i) - text.startswith("*/", i)
                i += 2 if text.startswith(("/*", "*/"), i) else 1
            out.append("\n" * text.count("\n", start, i))
        elif m := STRING_OPEN.match(text, i):
            strings.append([len(m.group(1)), m.group(2) == '"""', None])
            i = m.end()
            out.append(" ")
        else:
            if strings and text[i] == "(":
                strings[-1][2] += 1
            elif strings and text[i] == ")":
                strings[-1][2] = strings[-1][2] - 1 if strings[-1][2] else None
            out.append(text[i])
            i += 1
    return "".join(out)


def top_level_types(code):
    """Names declared at brace depth 0, and the names declared at any depth."""
    top, every, depth, last = set(), set(), 0, 0
    for m in DECL.finditer(code):
        depth += code.count("{", last, m.start()) - code.count("}", last, m.start())
        last = m.start()
        every.add(m.group(1))
        if depth == 0:
            top.add(m.group(1))
    return top, every


def main():
    files = {p: code_of(p.read_text()) for p in sorted(ROOT.rglob("*.swift"))}
    folder_of = {p: p.relative_to(ROOT).parts[0] for p in files}
    unknown = sorted(set(folder_of.values()) - RANK.keys())
    if unknown:
        sys.exit(f"check_layers: folders without a layer: {', '.join(unknown)}")
    owner, local = {}, {}
    for path, code in files.items():
        top, local[path] = top_level_types(code)
        for name in top:
            owner[name] = folder_of[path]

    graph, bad = defaultdict(set), []
    for path, code in files.items():
        here = folder_of[path]
        used = {}
        for m in IDENT.finditer(code):
            used.setdefault(m.group(), m.start())
        for name, at in sorted(used.items()):
            if name in local[path]:
                continue
            there = owner.get(name)
            if there is None or there == here:
                continue
            graph[here].add(there)
            if RANK[there] >= RANK[here]:
                line = code.count("\n", 0, at) + 1
                bad.append(f"{path.relative_to(ROOT.parent.parent)}:{line}: {here} (layer {RANK[here]}) "
                           f"uses {name} of {there} (layer {RANK[there]})")
    if bad:
        print("\n".join(bad))
        print(f"check_layers: {len(bad)} uses against the layer order; see scripts/check_layers.py",
              file=sys.stderr)
        return 1
    for rank, folders in reversed(list(enumerate(LAYERS))):
        for folder in folders:
            uses = sorted(graph[folder], key=lambda f: (-RANK[f], f))
            print(f"{rank} {folder:<11} -> {', '.join(uses) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
