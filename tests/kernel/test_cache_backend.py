"""The cache backend reuses its Redis client (Django's builds one per call) and still works from
several threads, each with its own backend."""

import threading

from django.core.cache import cache, caches


def test_one_client_per_pool_and_the_cache_still_answers():
    backend = caches["default"]
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=True)
    cache.set("frame-test", {"a": 1}, 30)
    assert cache.get("frame-test") == {"a": 1}
    assert cache.get_many(["frame-test", "absent"]) == {"frame-test": {"a": 1}}
    cache.delete("frame-test")


def test_threads_have_their_own_backend_and_see_each_others_writes():
    seen = {}

    def work(n):
        caches["default"].set(f"thread-{n}", n, 30)
        seen[n] = (id(caches["default"]), caches["default"].get(f"thread-{(n + 1) % 4}", "pending"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({backend for backend, _v in seen.values()}) == 4
    assert [cache.get(f"thread-{n}") for n in range(4)] == [0, 1, 2, 3]
    cache.delete_many([f"thread-{n}" for n in range(4)])
