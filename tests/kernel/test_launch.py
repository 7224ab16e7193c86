"""The launcher's machine preparation: install what is missing through apt, or stop with the exact command."""

from pathlib import Path

import pytest

from township import launch


@pytest.fixture
def machine(monkeypatch):
    """A machine whose packages the test decides; apt-get calls are recorded, not run."""
    state = {"installed": set(), "calls": [], "root": False, "sudo": False, "apt": True}

    def missing(*, browser, bench=False):
        wanted = [
            *launch.PDF_LIBRARIES.values(),
            *(["chromium"] if browser else []),
            *(["wrk"] if bench else []),
        ]
        return [package for package in wanted if package not in state["installed"]]

    def prefix():
        if not state["apt"]:
            return None
        if state["root"]:
            return []
        return ["sudo", "-n"] if state["sudo"] else None

    def install(packages, prefix):
        state["calls"].append([*prefix, *packages])
        state["installed"].update(packages)

    monkeypatch.setattr(launch, "missing_packages", missing)
    monkeypatch.setattr(launch, "apt_prefix", prefix)
    monkeypatch.setattr(launch, "install_packages", install)
    state["installed"].update(launch.PDF_LIBRARIES.values())
    return state


def test_nothing_is_installed_when_everything_is_there(machine):
    machine["installed"].add("chromium")
    launch.ensure_machine(browser=True)
    assert machine["calls"] == []


def test_root_installs_the_missing_chromium_with_apt(machine):
    machine["root"] = True
    launch.ensure_machine(browser=True)
    assert machine["calls"] == [["chromium"]]


def test_sudo_is_used_without_a_password_when_not_root(machine):
    machine["sudo"] = True
    machine["installed"].discard("libpango-1.0-0")
    launch.ensure_machine(browser=False)
    assert machine["calls"] == [["sudo", "-n", "libpango-1.0-0"]]


def test_without_root_or_sudo_it_stops_and_names_the_exact_command(machine, monkeypatch):
    monkeypatch.setattr(launch.os, "geteuid", lambda: 1000)
    with pytest.raises(SystemExit) as stopped:
        launch.ensure_machine(browser=True)
    assert "sudo apt-get update && sudo apt-get install -y chromium" in str(stopped.value)
    assert machine["calls"] == []


def test_a_package_apt_did_not_provide_stops_the_command(machine, monkeypatch):
    machine["root"] = True
    monkeypatch.setattr(launch, "install_packages", lambda packages, prefix: None)
    with pytest.raises(SystemExit, match="still missing after apt-get: chromium"):
        launch.ensure_machine(browser=True)


@pytest.mark.parametrize(
    ("args", "browser"),
    [
        ([], True),
        (["-n", "2", "--dist", "loadfile"], True),
        (["tests"], True),
        (["tests/e2e/test_window.py::test_anything", "-q"], True),
        (["tests/kernel/test_documents.py", "-q", "-p", "no:xdist"], False),
        (["tests/bench", "-s"], False),
        (["-c", "pyproject.toml", "-q"], True),
    ],
)
def test_chromium_is_needed_only_when_browser_tests_may_run(args, browser):
    assert launch.selects_browser_tests(args) is browser


@pytest.mark.parametrize(
    ("args", "bench"),
    [
        ([], False),
        (["tests"], False),
        (["tests/bench", "-p", "no:xdist", "-s"], True),
        (["tests/bench/test_bench_window.py::test_bench_receipt_pdf_alone"], True),
        (["tests/kernel/test_launch.py"], False),
    ],
)
def test_wrk_is_needed_only_when_benchmarks_run(args, bench):
    assert launch.selects_benchmarks(args) is bench


def test_the_browser_tests_see_the_projects_fonts(tmp_path, monkeypatch):
    monkeypatch.setattr(launch, "VAR", tmp_path)
    config = launch.browser_fontconfig()
    text = Path(config).read_text()
    assert f"<dir>{launch.FONTS_DIR}</dir>" in text and "/etc/fonts/fonts.conf" in text
    assert (launch.FONTS_DIR / "NotoSansSCGBK-Regular.ttf").is_file()


def test_the_embedded_postgres_is_sized_for_the_machine():
    gib = 1024**3
    small = launch.postgres_tuning(1 * gib)
    assert small["shared_buffers"] == "256MB" and small["work_mem"] == "4MB"
    large = launch.postgres_tuning(24 * gib)
    assert large["shared_buffers"] == "4096MB"  # a quarter, at most 4 GB
    assert large["effective_cache_size"] == "12288MB" and large["work_mem"] == "64MB"


def test_the_tuning_is_included_once_and_rewritten_only_when_it_changes(tmp_path):
    conf = tmp_path / "postgresql.conf"
    conf.write_text("max_connections = 100\n")
    assert launch.write_postgres_tuning(tmp_path, 8 * 1024**3) is True
    assert launch.write_postgres_tuning(tmp_path, 8 * 1024**3) is False
    assert conf.read_text().count("include_if_exists = 'portal.conf'") == 1
    assert "shared_buffers = '2048MB'" in (tmp_path / "portal.conf").read_text()
    assert launch.write_postgres_tuning(tmp_path, 16 * 1024**3) is True
    assert conf.read_text().count("include_if_exists") == 1
    assert "shared_buffers = '4096MB'" in (tmp_path / "portal.conf").read_text()


def test_a_data_directory_not_yet_made_is_left_alone(tmp_path):
    assert launch.write_postgres_tuning(tmp_path, 8 * 1024**3) is False
    assert not (tmp_path / "portal.conf").exists()
