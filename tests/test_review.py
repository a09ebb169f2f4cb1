"""The security review report: Markdown content, and the HTML rendered by a real headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run_cli, write

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example_app"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def report(*args: str) -> subprocess.CompletedProcess[str]:
    # a report, not a gate: exit 0 even with findings
    return run_cli("report", *args, expect_exit=0, to_file="--output" in args, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(EXAMPLE, root)
    text = (root / "shop" / "api" / "views.py").read_text()
    (root / "shop" / "api" / "views.py").write_text(text.replace(
        '@cross_origin()  #', '# cors-lint: ignore[CORS007] reason="embeddable widget" expires=2999-01-01 '
        'ticket=SEC-7\n@cross_origin()  #'))
    return root


def test_markdown_report_opens_with_the_verdict_then_findings_routes_and_suppressions(project):
    text = report(str(project), "--format", "markdown").stdout
    assert text.startswith("# CORS security review: shop\n\n**Fail: 7 errors to fix before release, and 7 warnings "
                           "to review.**\n\n```\nerrors    ")
    order = [text.index(heading) for heading in ("## Routes an attacker origin gets into", "## Top risks",
                                                  "## Where this report comes from", "## Findings",
                                                  "## Routes in production", "## Suppressions")]
    assert order == sorted(order)
    # the four API routes one setup answers alike: one row; a regex origin keeps its backslash
    assert "| `/api/me`, `/api/partner/orders`, `/api/products`, `/api/products/<int:product_id>` | " \
           "`https://.*\\.shop\\.example`, `https://shop.example` | yes | extension shop/__init__.py:17 |" in text
    assert "| `/v0/cart` | `*` | yes (hand-written) |" in text  # credentials written by hand count
    assert "Attacker origin: `https://app.shop.example.evil.example`" in text
    assert "- CORS007 at `shop/api/views.py:23`: embeddable widget, until 2999-01-01 (SEC-7)" in text
    assert str(project) not in text and "/tmp/" not in text  # no absolute path


def test_the_report_agrees_with_check_and_says_where_it_comes_from(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"], cwd=project,
                   check=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project, capture_output=True, text=True,
                            check=True).stdout.strip()
    text = report(str(project), "--format", "markdown").stdout
    checked = json.loads(run_cli("check", str(project), "--format", "json", expect_exit=1).stdout)
    findings = checked["findings"]
    counts = checked["summary"]["by_severity"]
    assert (f"| Findings | {len(findings)} findings: {counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['note']} note |") in text
    named = {(f["environment"], route) for f in findings if f["attacker_origin"] for route in f["routes"]}
    assert f"| Routes a finding names an attacker origin for | {len(named)} |" in text
    assert f"| Commit | {commit} |" in text and "| Project | shop (the repository's top) |" in text
    assert "| Policy | recommended |" in text and "| Date | " in text


def test_html_report_is_self_contained(project, tmp_path):
    target = tmp_path / "review.html"
    report(str(project), "--output", str(target))
    html = target.read_text()
    assert html.lstrip().lower().startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert "CORS security review: shop" in html and "CORS014" in html and "embeddable widget" in html
    assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|@import|url\(|href=\"https?:", html, re.I)


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed here")
def test_html_report_renders_in_chromium_and_prints(project, tmp_path):
    assert CHROMIUM, "CI must provide Chromium (.ci/run installs it)"
    target = tmp_path / "review.html"
    report(str(project), "--output", str(target))
    profile = tmp_path / "profile"
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", target.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    text = re.sub(r"<[^>]+>", " ", dom)
    text = re.sub(r"\s+", " ", text)
    assert "CORS security review: shop" in text
    assert "Fail: 7 errors to fix before release" in text and "7 errors 7" in text  # the verdict, the chart
    assert "Routes an attacker origin can read with the user's credentials 6" in text
    assert "Attacker origin: https://app.shop.example.evil.example" in text
    assert "CORS014 blueprint-fallthrough in production" in text
    assert "embeddable widget" in text and "SEC-7" in text
    pdf = tmp_path / "review.pdf"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                    target.as_uri()], capture_output=True, timeout=120)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000


def test_report_of_a_clean_project(tmp_path):
    write(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    text = report(str(tmp_path), "--format", "markdown").stdout
    assert text.startswith(f"# CORS security review: {tmp_path.name}\n\n**Pass: no error or warning.**")
    assert "No findings." in text and "None." in text


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit truecolour PNG (what Chromium writes)."""
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    offset, data, width = 8, b"", 0
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        body = png[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        offset += 12 + length
    raw, stride, rows, previous = zlib.decompress(data), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                estimate = left + up - corner
                nearest = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up),
                              (abs(estimate - corner), 2, corner))[2]
                line[x] = (line[x] + nearest) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed here")
def test_the_first_screen_shows_the_verdict_and_the_chart(project, tmp_path):
    """A 1280x800 screenshot in Chromium: the red verdict banner and the error bar of the chart are
    on the first screen, above the fold, without scrolling."""
    assert CHROMIUM, "CI must provide Chromium (.ci/run installs it)"
    target = tmp_path / "review.html"
    report(str(project), "--output", str(target))
    shot = tmp_path / "first-screen.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1280,800", "--hide-scrollbars", target.as_uri()], capture_output=True, timeout=120)
    width, height, rows = _pixels(shot.read_bytes())
    assert (width, height) == (1280, 800)
    channels = len(rows[0]) // width

    def rows_with(colour: bytes) -> list[int]:
        return [y for y, row in enumerate(rows)
                if any(row[x:x + 3] == colour for x in range(0, len(row), channels))]

    banner, bar = rows_with(bytes((0xfd, 0xec, 0xea))), rows_with(bytes((0xc0, 0x39, 0x2b)))
    assert banner and max(banner) < 300, banner[:3]  # the verdict, near the top
    assert bar and min(bar) > min(banner), bar[:3]  # the chart's error bar, under it, on the same screen


def test_a_report_of_one_environment_agrees_with_check_of_that_environment(project):
    text = report(str(project), "--format", "markdown", "--env", "development").stdout
    checked = json.loads(run_cli("check", str(project), "--format", "json", "--env", "development",
                                 expect_exit=1).stdout)
    from cors_lint.core.plurals import plural

    counts = checked["summary"]["by_severity"]
    assert (f"| Findings | {plural(len(checked['findings']), 'finding')}: {plural(counts['error'], 'error')}, "
            f"{plural(counts['warning'], 'warning')}, {plural(counts['note'], 'note')} |") in text
    assert "## Routes in development" in text and "## Routes in production" not in text
    assert "| Environments | development |" in text
    refused = run_cli("report", str(project), "--env", "nope", expect_exit=2)
    assert "unknown environment 'nope'" in refused.stderr


def test_a_report_against_a_baseline_counts_only_new_findings_and_lists_the_known_ones(tmp_path):
    """As `check --baseline` does: the verdict, counts and findings are the new ones; the known
    ones are listed apart, and the first page says which baseline was used."""
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="*")

        @app.route("/status")
        def status():
            return "ok"
    """})
    baseline = tmp_path / "cors-baseline.json"
    run_cli("check", str(tmp_path), "--no-cache", "--write-baseline", str(baseline), expect_exit=0)
    known = report(str(tmp_path), "--format", "markdown", "--no-cache", "--baseline", str(baseline)).stdout
    assert "**Pass: no error or warning.**" in known and "| Baseline | cors-baseline.json |" in known, known
    assert "## Known findings (in the baseline)\n\n- CORS007 warning at `app.py:4`" in known, known
    assert "| Known findings (in the baseline, not counted above) | 1 |" in known, known
    (tmp_path / "app.py").write_text((tmp_path / "app.py").read_text().replace(
        'origins="*")', 'origins="*")\nCORS(app, supports_credentials=True, origins=r"https://.*\\.example\\.com")'))
    new = report(str(tmp_path), "--format", "markdown", "--no-cache", "--baseline", str(baseline)).stdout
    assert "**Pass" not in new and "CORS002" in new.split("## Known findings")[0], new
    assert "CORS007" not in new.split("## Known findings")[0].split("## Routes")[0], new
    html = report(str(tmp_path), "--no-cache", "--baseline", str(baseline)).stdout
    assert '<h2 id="baselined">Known findings (in the baseline)</h2>' in html and "CORS007" in html
    assert "Known findings" not in report(str(tmp_path), "--format", "markdown", "--no-cache").stdout
