"""Screenshots of the five letters of a case, as LibreOffice prints them.

    .venv/bin/python scripts/letter_screenshots.py [--out docs/screenshots/letters] [--dpi 100]

Writes the letters of the example case (`nianbao.ledger.letter_sample`: 补正通知书, 延期答复告知书, 征求意见函,
收费通知, 答复书) into a temporary SQLite ledger, converts each .docx to PDF with LibreOffice
(``soffice --headless --convert-to pdf``) and the first page of each PDF to ``<kind>.png`` with ``pdftoppm``.
Needs soffice and pdftoppm (`make system-deps`); says which is missing otherwise and exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nianbao.ledger import calendar_store, letter_store
from nianbao.ledger.letter_sample import TODAY, sample_case
from nianbao.render.letters import KINDS
from nianbao.store import db

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots" / "letters"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNG files go")
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        missing = " and ".join(n for n, p in (("soffice", soffice), ("pdftoppm", pdftoppm)) if p is None)
        print(f"letter_screenshots: {missing} not found (make system-deps installs LibreOffice and poppler-utils)")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-letters-") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp / 'letters.db'}"
        docs = []
        with db.session(url) as s:
            case = sample_case(s)
            calendar = calendar_store.load_calendar(s)
            now = dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC)
            for kind in KINDS:
                document, _ = letter_store.generate(s, case, kind, today=TODAY, calendar=calendar, now=now)
                path = tmp / f"{kind}.docx"
                path.write_bytes(document.content)
                docs.append(path)
        db.dispose(url)
        subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp),
                *map(str, docs),
            ],
            capture_output=True,
            timeout=300,
            check=True,
        )
        for kind in KINDS:
            target = args.out / kind
            subprocess.run(
                [
                    pdftoppm,
                    "-png",
                    "-r",
                    str(args.dpi),
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(tmp / f"{kind}.pdf"),
                    str(target),
                ],
                check=True,
                timeout=60,
            )
            print(f"{target}.png  {KINDS[kind]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
