"""Typst in a child process: reads JSON on standard input, writes a PDF or PNG pictures.

    python typeset.py pdf|png MEMORY_LIMIT "Font A,Font B" < data.json

Run by `improvement.reports.pdf` by path, so it imports neither Django nor the app.
`pdf`: the report laid out by `report.typ`, tagged PDF/UA-1. `png`: each SVG chart of a
JSON list as a PNG at 144 pixels per inch (`charts.typ`), written one after another, each
after its length as 8 bytes (big-endian).

Typst memoises what it lays out in a cache that lives as long as the process (about
50 MB more after each new 500-action report, up to some 900 MB), so each file is made in
a process of its own that gives all of it back when it exits. This also bounds a render:
the parent gives it a time limit, and its memory is limited here before Typst starts.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

HERE = Path(__file__).parent
TEMPLATES = {"pdf": HERE / "report.typ", "png": HERE / "charts.typ"}
# Typst's own serif face is the last resort, so a file is made even with no fonts installed.
LAST_RESORT = "Libertinus Serif"
PNG_PPI = 144


def main() -> int:
    mode, limit, fonts = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import json

    import typst

    installed = {f.lower() for f in typst.Fonts().families()}
    fonts = [f for f in fonts if f.lower() in installed] + [LAST_RESORT]
    inputs = {"data": sys.stdin.buffer.read().decode("utf-8"), "fonts": json.dumps(fonts)}
    template = TEMPLATES[mode]
    try:
        if mode == "pdf":
            sys.stdout.buffer.write(
                typst.compile(
                    template.read_bytes(),
                    root=str(HERE),
                    sys_inputs=inputs,
                    pdf_standards=["ua-1"],
                )
            )
            return 0
        if json.loads(inputs["data"]):
            pages = typst.compile(
                template.read_bytes(), root=str(HERE), sys_inputs=inputs, format="png", ppi=PNG_PPI
            )
            for png in [pages] if isinstance(pages, bytes) else pages:
                sys.stdout.buffer.write(len(png).to_bytes(8, "big") + png)
        return 0
    except typst.TypstError as error:
        sys.stderr.write(f"Typst: {error.message}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
