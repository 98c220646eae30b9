"""Write one script's figures into its own section of docs/benchmarks.md, leaving the rest alone."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADING = "## Public journeys under load"


def write_part(part: str, text: str, heading: str = HEADING) -> None:
    """Replace the block between <!-- part --> markers inside ``heading``'s section (adding either if new)."""
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    begin, end = f"<!-- {part} -->", f"<!-- /{part} -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    if begin in doc:
        doc = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _m: block, doc, flags=re.DOTALL)
    else:
        if heading not in doc:
            doc = doc.rstrip("\n") + f"\n\n{heading}\n\nWritten by the scripts named in each part; "\
                  "`benchmarks/run_all.py` runs every script.\n"
        start = doc.index(heading)
        following = doc.find("\n## ", start + len(heading))
        insert_at = len(doc) if following == -1 else following
        doc = doc[:insert_at].rstrip("\n") + f"\n\n{block}\n" + doc[insert_at:]
    DOC.write_text(doc)
