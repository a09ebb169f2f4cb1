"""The security review report: Markdown content, and the HTML rendered by a real headless Chromium."""

from __future__ import annotations

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


def test_markdown_report_has_summary_routes_findings_and_suppressions(project):
    text = report(str(project), "--format", "markdown").stdout
    assert text.startswith("# CORS security review: shop\n\n## Summary")
    assert "| Routes allowing credentials | 5 |" in text
    assert "| app (shop/__init__.py:13) | `/api/me` | GET | https://.*\\.shop\\.example, https://shop.example | yes | " \
           "extension shop/__init__.py:17 |" in text
    assert "Attacker origin: `https://app.shop.example.evil.example`" in text
    assert "- CORS007 at `shop/api/views.py:23`: embeddable widget, until 2999-01-01 (SEC-7)" in text


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
    assert "Routes allowing credentials 5" in text
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
    assert text.startswith(f"# CORS security review: {tmp_path.name}\n\n## Summary")
    assert "No findings." in text and "None." in text
