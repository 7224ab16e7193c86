"""The production settings plus one comparison view (a bare primary-key lookup), for the benchmarks'
gunicorn; the database and Redis come from the environment the benchmark sets."""

from township.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
