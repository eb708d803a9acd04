"""Screenshot the widget on a demo article page into docs/widget.png (Playwright + Debian's Chromium).

    .venv/bin/recommender build --data-dir data        # once: the demo snapshot
    .venv/bin/python scripts/screenshot.py --data-dir data --article kn-1003

Serves the data dir with a real uvicorn server on a free loopback port; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from recommender.settings import Settings
from service.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def serve(settings: Settings) -> tuple[uvicorn.Server, str]:
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--article", default="kn-1003")
    parser.add_argument("--out", type=Path, default=Path("docs/widget.png"))
    parser.add_argument("--width", type=int, default=900)
    args = parser.parse_args()

    settings = Settings(data_dir=args.data_dir, log_level="warning")
    server, base = serve(settings)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            page.goto(f"{base}/demo/{args.article}")
            page.wait_for_selector("[data-recommender][data-recommender-state=ready]")
            widget = page.locator("[data-recommender]")
            widget.scroll_into_view_if_needed()
            page.wait_for_function(
                "[...document.querySelector('[data-recommender]').shadowRoot"
                ".querySelectorAll('img')].every((i) => i.complete && i.naturalWidth > 0)"
            )
            left, top, width, height = page.evaluate(
                "(el) => { const r = el.getBoundingClientRect();"
                " return [r.left + scrollX, r.top + scrollY, r.width, r.height] }",
                widget.element_handle(),
            )
            margin = 24
            clip = {
                "x": max(0, left - margin),
                "y": top - margin,
                "width": width + 2 * margin,
                "height": height + 2 * margin,
            }
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out), clip=clip, full_page=True)
            browser.close()
    finally:
        server.should_exit = True
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
