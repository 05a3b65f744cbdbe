"""Cached pages and states belong to the release of the code that made them."""

from config import release
from improvement import state_cache


def test_a_new_release_names_new_cache_keys(monkeypatch):
    release.code_release.cache_clear()
    monkeypatch.setenv("RELEASE", "one")
    first = state_cache._row_key(1, 3, "page", "right", "row")
    state_key = state_cache._state_key(1, 3, __import__("datetime").date(2025, 6, 30), False)
    release.code_release.cache_clear()
    monkeypatch.setenv("RELEASE", "two")
    assert state_cache._row_key(1, 3, "page", "right", "row") != first
    assert state_cache._state_key(1, 3, __import__("datetime").date(2025, 6, 30), False) != (
        state_key
    )
    release.code_release.cache_clear()


def test_without_release_set_the_code_itself_names_the_release(monkeypatch, tmp_path):
    monkeypatch.delenv("RELEASE", raising=False)
    (tmp_path / "improvement").mkdir()
    (tmp_path / "improvement" / "views.py").write_text("a = 1\n")
    monkeypatch.setattr(release, "ROOT", tmp_path)
    monkeypatch.setattr(release, "CODE", ("improvement",))
    release.code_release.cache_clear()
    before = release.code_release()
    (tmp_path / "improvement" / "views.py").write_text("a = 2\n")
    release.code_release.cache_clear()
    assert release.code_release() != before
    release.code_release.cache_clear()
