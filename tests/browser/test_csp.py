"""The Content Security Policy (default-src 'self', no inline scripts or styles) breaks no page:
Chromium reports no violation on the public pages and in the office's admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from programme.demo import DEMO_SLUG, load_demo
from registrations.domain import lifecycle
from registrations.models import Registration
from tests.factories import StaffFactory, pre_registration_data
from tests.guards import url_or_fail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page):
    """Collect CSP violations the browser reports (console errors and the DOM event)."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def test_public_pages_run_under_the_csp_without_violations(page, site):
    load_demo()
    registration, _ = lifecycle.pre_register(
        conference=load_conference(),
        data=pre_registration_data(),
    )
    violations = watch_csp(page)
    for path in [
        "/",
        f"/tagungen/{DEMO_SLUG}/",
        f"/tagungen/{DEMO_SLUG}/programm/",
        f"/tagungen/{DEMO_SLUG}/voranmeldung/",
        registration.get_absolute_url(),
        reverse("registrations:personal_edit", kwargs={"token": registration.token}),
        reverse("registrations:personal_deletion_request", kwargs={"token": registration.token}),
    ]:
        visit(page, f"{site}{path}")
    # Bootstrap's script works under the CSP: the navbar collapses and expands on a small screen.
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(f"{site}/")
    page.get_by_role("button", name="Navigation umschalten").click()
    page.locator("#main-nav.show").wait_for()
    assert violations == []


def load_conference():
    from programme.models import Conference

    return Conference.objects.get(slug=DEMO_SLUG)


def test_admin_pages_run_under_the_csp_without_violations(page, site):
    load_demo()
    registration, _ = lifecycle.pre_register(
        conference=load_conference(),
        data=pre_registration_data(),
    )
    StaffFactory(
        username="chefin", email="chefin@example.org", password="ein-langes-passwort-2025", is_superuser=True
    )
    violations = watch_csp(page)
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Benutzername").fill("chefin")
    page.get_by_label("Passwort").fill("ein-langes-passwort-2025")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{site}/admin/")
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in {"registrations", "programme", "exports"}:
            continue
        urls.append(url_or_fail(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    urls += [
        reverse("admin:registrations_registration_add"),
        reverse("admin:registrations_registration_change", args=[registration.pk]),
        reverse("admin:registrations_registration_history", args=[registration.pk]),
        reverse("admin:programme_conference_change", args=[registration.conference_id]),
    ]
    for url in urls:
        visit(page, f"{site}{url}")
    # The admin's own scripts work: "select all" in the registration list ticks the rows.
    page.goto(f"{site}{reverse('admin:registrations_registration_changelist')}")
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select:checked").count() == Registration.objects.count()
    assert violations == []
