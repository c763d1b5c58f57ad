"""Pairing reports with the same agency's previous year: the hash join, and `nianbao check --previous` at scale.

    python bench/pairing.py [--items 100000] [--n 2000 20000] [--old 5000] [--skip-check] [--keep DIR]

1. `pair_previous` on `--items` synthetic reports of one year and as many of the year before (realistic
   names: province, city, county, department; a region on half of them; 1% namesakes so that some pairs are
   ambiguous). Prints seconds and the pairs made; target ≤ 5 s for 100,000. With `--old N`, also times the
   substring scan that `check --previous` used before (O(N²)) on N reports, for comparison.
2. `nianbao check A/ --previous B/` on `--n` files in all (half this year, half the year before): copies
   of a packaged sample, each renamed to its own agency (all names of one length, so none contains
   another) and moved to its year. Prints the wall time of each size, the files per second, how many
   reports were paired, and the ratio of the times (linear: the ratio of the sizes). Writing the files
   takes a while at 20,000; `--keep DIR` keeps (and reuses) them.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nianbao.dataset.pairing import Item, pair_previous

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "nianbao" / "samples" / "000_92378848010c3553.txt"  # 二道江区审计局 2024
SAMPLE_AGENCY = "二道江区审计局"
TARGET_SECONDS = 5.0
PROVINCES = (
    "河北省",
    "山西省",
    "吉林省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
)
DEPARTMENTS = (
    "人民政府",
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "科学技术局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
)
SYLLABLES = "安宝昌德丰福广和华怀嘉建江金靖康乐临隆茂宁平庆荣瑞山善寿顺泰通万文祥新兴阳永裕原长正中"
CODE = "甲乙丙丁戊己庚辛壬癸"  # no numerals: the reader would take 二〇二四 for a year


def _place(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(2))


def synthetic(n: int, seed: int = 13) -> list[Item]:
    """`n` agencies, each with a report this year (2024) and the year before (2023)."""
    rng = random.Random(seed)
    items: list[Item] = []
    seen: set[tuple[str, str]] = set()
    for i in range(n):
        province = rng.choice(PROVINCES)
        if rng.random() < 0.01:
            name = rng.choice(DEPARTMENTS)  # a bare department name: namesakes across the country
        else:
            name = f"{_place(rng)}市{_place(rng)}县{rng.choice(DEPARTMENTS)}"
            while (province, name) in seen:
                name = f"{_place(rng)}市{_place(rng)}县{rng.choice(DEPARTMENTS)}"
        seen.add((province, name))
        region = province if rng.random() < 0.5 else None
        printed = name if rng.random() < 0.8 else f" {name[:3]}（{name[3:]}） "  # spacing and brackets vary
        items.append(Item(f"a{i}-2024", printed, region, 2024))
        items.append(Item(f"a{i}-2023", name, region, 2023))
    rng.shuffle(items)
    return items


def _old_scan(items: list[Item]) -> int:
    """The pairing `check --previous` did before: every candidate, substring match on the name."""
    candidates = [c for c in items if c.year == 2023]
    paired = 0
    for item in items:
        if item.year != 2024:
            continue
        for c in candidates:
            if c.agency and item.agency and (c.agency in item.agency or item.agency in c.agency):
                paired += 1
                break
    return paired


def bench_pairing(n: int, old: int) -> None:
    items = synthetic(n)
    started, cpu = time.perf_counter(), time.process_time()
    result = pair_previous(items)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    verdict = "ok" if seconds <= TARGET_SECONDS else "SLOW"
    print(
        f"pair_previous: {len(items):,} reports ({n:,} agencies × 2 years) in {seconds:.2f} s ({cpu:.2f} s CPU) "
        f"(target ≤ {TARGET_SECONDS:.0f} s for 100,000: {verdict}); {len(result.pairs):,} pairs, "
        f"{sum(len(a.reports) for a in result.ambiguous):,} reports in {len(result.ambiguous):,} ambiguous groups"
    )
    if old:
        subset = synthetic(old)
        started = time.perf_counter()
        pair_previous(subset)
        new_seconds = time.perf_counter() - started
        started = time.perf_counter()
        _old_scan(subset)
        old_seconds = time.perf_counter() - started
        print(
            f"  on {len(subset):,} reports: hash join {new_seconds:.3f} s, the old substring scan {old_seconds:.2f} s"
        )


def _name(i: int) -> str:
    code = "".join(CODE[int(d)] for d in f"{i:06d}")
    return f"{code}区审计局"


def make_files(folder: Path, total: int) -> tuple[Path, Path]:
    """`total` files: half in folder/2024, half in folder/2023, agency i in both years."""
    text = SAMPLE.read_text(encoding="utf-8")
    now, before = folder / "2024", folder / "2023"
    now.mkdir(parents=True, exist_ok=True)
    before.mkdir(parents=True, exist_ok=True)
    for i in range(total // 2):
        renamed = text.replace(SAMPLE_AGENCY, _name(i))
        for year, where in ((2024, now), (2023, before)):
            path = where / f"{i:06d}.txt"
            if not path.exists():
                path.write_text(renamed.replace("2024", str(year)), encoding="utf-8")
    return now, before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_check(sizes: list[int], keep: Path | None) -> None:
    base = keep or Path(tempfile.mkdtemp(prefix="nianbao-pairing-"))
    times: list[float] = []
    cpus: list[float] = []
    try:
        for total in sizes:
            folder = base / f"n{total}"
            started = time.perf_counter()
            now, before = make_files(folder, total)
            made = time.perf_counter() - started
            out = folder / "audits.jsonl"
            started, cpu = time.perf_counter(), _children_cpu()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "nianbao",
                    "check",
                    str(now),
                    "--previous",
                    str(before),
                    "--output",
                    "json",
                    "-o",
                    str(out),
                ],
                capture_output=True,
                text=True,
            )
            seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
            times.append(seconds)
            cpus.append(cpu)
            paired = checked = 0
            with out.open(encoding="utf-8") as lines:
                for line in lines:
                    audit = json.loads(line)
                    checked += 1
                    # the copies' narratives are the same text: a paired report has Y703
                    paired += any(f["rule"] == "Y703" for f in audit["findings"])
            notes = sum("不能唯一确定" in line for line in done.stderr.splitlines())
            print(
                f"check --previous: {total:,} files ({total // 2:,} + {total // 2:,}) in {seconds:.1f} s, "
                f"{cpu:.1f} s CPU "
                f"({total / seconds:.0f} files/s; exit {done.returncode}); {checked:,} checked, {paired:,} paired, "
                f"{notes} ambiguous notes (files written in {made:.1f} s)"
            )
        if len(times) >= 2:
            print(
                f"  ratio {sizes[-1]:,} / {sizes[0]:,} files: wall time {times[-1] / times[0]:.1f}, "
                f"CPU time {cpus[-1] / cpus[0]:.1f} (linear: {sizes[-1] / sizes[0]:.1f}; the CPU time is the "
                f"steadier figure on a shared machine)"
            )
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="agencies (reports per year) to pair")
    parser.add_argument("--old", type=int, default=0, help="also time the old substring scan on this many")
    parser.add_argument("--n", type=int, nargs="+", default=[2000, 20_000], help="files for check --previous")
    parser.add_argument("--skip-check", action="store_true", help="only the pairing of synthetic items")
    parser.add_argument("--keep", type=Path, default=None, help="write (and reuse) the files here")
    args = parser.parse_args(argv)
    bench_pairing(args.items, args.old)
    if not args.skip_check:
        bench_check(sorted(args.n), args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
