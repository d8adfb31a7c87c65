"""The office's own admin pages look like Django's: the breadcrumbs markup of Django 6 and, on pages
with a form, the admin's forms.css (labels above fields, error rows). Both were missing once and
the pages looked broken only in a browser."""

import re
from pathlib import Path

ADMIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "admin"


def templates():
    return sorted(ADMIN_TEMPLATES.rglob("*.html"))


def test_breadcrumbs_use_the_ordered_list_django_styles():
    old = [
        str(p.relative_to(ADMIN_TEMPLATES)) for p in templates() if 'div class="breadcrumbs"' in p.read_text()
    ]
    assert old == [], 'use <ol class="breadcrumbs"><li>…</li></ol> as in Django\'s admin templates'


def test_own_pages_with_a_form_load_the_admin_form_styles():
    missing = []
    for path in templates():
        text = path.read_text()
        if (
            re.search(r'{% extends "admin/base_site.html" %}', text)
            and "<form" in text
            and "forms.css" not in text
        ):
            missing.append(str(path.relative_to(ADMIN_TEMPLATES)))
    assert missing == [], 'extend "admin/office_form_base.html", which loads admin/css/forms.css'
