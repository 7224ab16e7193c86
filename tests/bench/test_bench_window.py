"""Issue 11's window benchmarks, each printed with its target beside it (run with `make bench`; they
print, never assert on time): the tracking page and API against a bare primary-key view in the same run
on the production server, window accepts from 1, 2 and 4 processes, accepts with receipts, and the
receipt PDF alone. Figures on a shared machine vary from run to run: see docs/benchmarks.md."""

import io
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from services.services.checklist import checklist_lines
from services.services.intake import _receipt_context, accept_application, receive_at_window
from tests.concurrency import in_processes
from tests.factories import TownshipFactory
from tests.kernel.test_production import Servers, healthz, wait_for
from tests.services.accept_workers import accept_walk_ins
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.documents.rendering import render_pdf
from township.documents.services import _template_context
from township.launch import free_port

WRK_SECONDS = 8


def percentiles(samples) -> str:
    ordered = sorted(samples)

    def at(q):
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    return f"p50 {statistics.median(ordered):.1f} ms, p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms (n={len(ordered)})"


def line(scenario: str, measured: str, target: str) -> None:
    print(f"\n[bench] {scenario}\n[bench]   measured: {measured}\n[bench]   target:   {target}")


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, *, connections: int, seconds: int = WRK_SECONDS) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        found[f"p{pct}"] = _ms(re.search(rf"\s{pct}%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["non2xx"] = int(errors.group(1)) if errors else 0
    return found


@pytest.mark.django_db(transaction=True)
def test_bench_tracking_against_a_plain_primary_key_view(tmp_path):
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (Debian: apt-get install -y wrk)")
    township = TownshipFactory()
    clerk, window = clerk_at_window(township)
    item = intake_item(township=township, promised_limit_days=10)
    received = receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant()
    )
    accepted = accept_application(
        application=received, clerk=clerk, checklist=full_checklist(received), with_receipt=False
    )
    servers = Servers(tmp_path)
    servers.env["DJANGO_SETTINGS_MODULE"] = "tests.bench.server_settings"
    servers.env["GUNICORN_CMD_ARGS"] = "--access-logfile /dev/null"
    servers.manage("collectstatic", "--noinput")  # the pages' {% static %} names come from its manifest
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        servers.start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "township.wsgi",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
        )
        wait_for(lambda: healthz(base), servers, "/healthz did not answer")
        query = urllib.parse.urlencode({"number": accepted.number, "code": accepted.query_code})
        urls = {
            "plain PK view": f"{base}/bench/pk/{accepted.pk}/",
            "tracking page": f"{base}/services/track/?{query}",
            "tracking API": f"{base}/api/tracking/?{query}",
        }
        for url in urls.values():  # warm every worker thread and the cache
            wrk(url, connections=4, seconds=2)
        runs = {name: [] for name in urls}
        for _round in range(2):  # interleaved, so a busy moment of the machine hits all three
            for name, url in urls.items():
                runs[name].append(wrk(url, connections=16))
        low = {name: wrk(url, connections=4) for name, url in urls.items()}
        probe = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", urls["tracking page"]],
            capture_output=True,
            text=True,
        ).stdout
    finally:
        servers.stop()
    print(f"\n[bench] tracking page answers {probe}")
    plain = statistics.mean(r["rps"] for r in runs["plain PK view"])
    print(
        f"\n[bench] gunicorn {servers.log('web').count('Booting worker')} gthread workers (gunicorn.conf.py)"
    )
    for name in ("tracking page", "tracking API"):
        rps = statistics.mean(r["rps"] for r in runs[name])
        spread = ", ".join(f"{r['rps']:.0f}" for r in runs[name])
        line(
            f"{name} vs a plain PK view, wrk -t2 -c16 -d{WRK_SECONDS}s, 2 interleaved rounds",
            f"{rps:.0f} rps (runs {spread}) vs plain {plain:.0f} rps = {rps / plain:.0%}; at 4 connections "
            f"p50 {low[name]['p50']:.1f} ms, p99 {low[name]['p99']:.1f} ms (plain: p99 "
            f"{low['plain PK view']['p99']:.1f} ms); non-2xx {sum(r['non2xx'] for r in runs[name])}",
            ">= 50% of the plain view's rps at 16 connections; p99 <= 20 ms at 4 connections",
        )


def _desk():
    township = TownshipFactory()
    clerk, window = clerk_at_window(township)
    return township, clerk, window, intake_item(township=township, promised_limit_days=10)


@pytest.mark.django_db(transaction=True)
def test_bench_window_accept_from_several_processes():
    township, clerk, window, item = _desk()
    # queries of one accept, warm
    for _ in range(2):
        received = receive_at_window(
            township=township, clerk=clerk, window=window, item=item, applicant=applicant()
        )
        checklist = full_checklist(received)
        with CaptureQueriesContext(connection) as captured:
            accept_application(application=received, clerk=clerk, checklist=checklist, with_receipt=False)
    per_accept = len([q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")])
    rates = {}
    for processes, count in ((1, 150), (2, 150), (4, 100)):
        results = in_processes(accept_walk_ins, [(clerk.pk, window.pk, item.pk, count, False)] * processes)
        samples = [ms for done in results for _n, _r, ms, _cpu in done]
        # the processes' own time, without their start-up: the slowest one's sum of accepts
        busy = max(sum(ms for _n, _r, ms, _cpu in done) for done in results) / 1000
        cpu = statistics.median(c for done in results for *_rest, c in done)
        rates[processes] = (processes * count / busy, percentiles(samples), cpu)
    line(
        "window accept without PDF (receive + accept, one transaction, committed), 1/2/4 processes",
        "; ".join(
            f"{p} proc: {rate:.0f}/s, {pct}, Python CPU {cpu:.1f} ms" for p, (rate, pct, cpu) in rates.items()
        )
        + f"; {per_accept} queries per accept (plus BEGIN/COMMIT)",
        ">= 300/s on this machine",
    )
    receipts = {}
    for processes in (1, 2):
        results = in_processes(accept_walk_ins, [(clerk.pk, window.pk, item.pk, 15, True)] * processes)
        samples = [ms for done in results for _n, _r, ms, _cpu in done]
        busy = max(sum(ms for _n, _r, ms, _cpu in done) for done in results) / 1000
        receipts[processes] = (processes * 15 / busy, percentiles(samples))
    line(
        "accept with receipt, one township, 1/2 processes (receipt drawn after the commit)",
        "; ".join(f"{p} proc: {rate:.1f}/s, {pct}" for p, (rate, pct) in receipts.items()),
        "the receipt drawn outside the serial lock; accepts with receipts scale with processes",
    )


@pytest.mark.django_db
def test_bench_receipt_pdf_alone(django_capture_on_commit_callbacks):
    township, clerk, window, item = _desk()
    received = receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant(name="刘䶮")
    )
    with django_capture_on_commit_callbacks(execute=True):
        accepted = accept_application(application=received, clerk=clerk, checklist=full_checklist(received))
    context = _template_context(accepted.receipt, _receipt_context(accepted, checklist_lines(accepted)))
    render_pdf("services/pdf/receipt.html", context)  # warm: fonts loaded once per process
    samples = []
    for _ in range(100):
        t0 = time.perf_counter()
        pdf = render_pdf("services/pdf/receipt.html", context)
        samples.append((time.perf_counter() - t0) * 1000)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    line(
        "receipt PDF alone (WeasyPrint, GBK subsets + the rare-character face for 䶮, PNG QR codes)",
        f"{percentiles(samples)}; {pages} page(s), {len(pdf) / 1024:.0f} KiB",
        "p95 <= 150 ms, one page, rare characters in names still rendered",
    )
