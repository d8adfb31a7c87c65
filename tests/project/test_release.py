"""Cached HTML is scoped to the release: the cache key prefix is a fingerprint of the code."""

from django.conf import settings

from vsop_events.release import code_fingerprint


def make_release(root):
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text("<html>alt</html>")
    (root / "locale").mkdir()
    (root / "locale" / "django.mo").write_bytes(b"\x00mo")
    (root / "requirements.txt").write_text("Django==6.1.3\n")
    return root


def test_the_fingerprint_changes_with_a_template_a_translation_or_a_package(tmp_path):
    release = make_release(tmp_path)
    first = code_fingerprint(release)
    assert code_fingerprint(release) == first

    (release / "templates" / "base.html").write_text("<html>neu</html>")
    second = code_fingerprint(release)
    (release / "locale" / "django.mo").write_bytes(b"\x00mo2")
    third = code_fingerprint(release)
    (release / "requirements.txt").write_text("Django==6.1.4\n")
    fourth = code_fingerprint(release)

    assert len({first, second, third, fourth}) == 4


def test_files_that_do_not_reach_the_html_do_not_change_it(tmp_path):
    release = make_release(tmp_path)
    first = code_fingerprint(release)
    (release / "templates" / "__pycache__").mkdir()
    (release / "templates" / "__pycache__" / "x.py").write_text("cache")
    (release / "README.md").write_text("Dokumentation")
    assert code_fingerprint(release) == first


def test_the_default_cache_uses_this_release_as_key_prefix():
    assert settings.CACHES["default"]["KEY_PREFIX"] == code_fingerprint(settings.BASE_DIR)
