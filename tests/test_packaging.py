"""The built wheel works on its own: installed in a fresh environment outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from .conftest import DATA, REPO


def test_the_wheel_ships_the_presets_and_runs_outside_the_repository(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("ai_legislation_kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    presets = sorted(n for n in names if n.startswith("kg/queries/") and n.endswith(".rq"))
    assert len(presets) == 19
    assert {
        "kg/ontology.ttl", "kg/shapes.ttl", "kg/viz_template.html", "kg/context.jsonld", "kg/serve_editor.html",
        "kg/static/yasgui/yasgui.min.js", "kg/static/yasgui/yasgui.min.css", "kg/static/yasgui/LICENSE.md",
    } <= names  # fmt: skip
    # a fresh environment: the wheel, and the dependencies borrowed from this one (no network)
    env_dir = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    fresh_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(fresh_site)  # what pip install does for a pure-Python wheel
    # a path added by a .pth line does not run that folder's own .pth files, so this project's editable
    # install is not seen: only its dependencies are
    (fresh_site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["KG_CACHE_DIR"] = str(tmp_path / "cache")

    def kg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "kg.cli", *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600
        )

    where = subprocess.run(
        [str(python), "-c", "import kg; print(kg.__file__)"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert where.stdout.strip() == str(fresh_site / "kg" / "__init__.py")  # the wheel's copy, not the repository
    listed = kg("query", "--list")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[2:]][:4] == [
        "activity",
        "bodies",
        "by-topic",
        "compare-provisions",
    ]
    table2 = kg("query", "table2", "--format", "csv", "--data", str(DATA))
    assert table2.returncode == 0, table2.stderr
    assert len(table2.stdout.splitlines()) == 16
