"""Keyboard and page helpers shared by the browser tests."""

import subprocess


def focused_name(page):
    return page.evaluate("document.activeElement && document.activeElement.name")


def tab_to(page, name, *, limit=40):
    """Press Tab until the form field `name` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"field {name!r} is not reachable with the Tab key")


def fill_pre_registration_with_keyboard(page, person, *, start_at_top=False):
    """Fill the pre-registration form with Tab, typing and Space only, then press Enter.

    With `start_at_top` the first Tab starts at the top of the page (skip link,
    navigation …); otherwise the salutation is focused first.
    """
    if start_at_top:
        tab_to(page, "salutation", limit=80)
    else:
        page.get_by_label("Anrede").focus()
    page.keyboard.type(person["salutation"])  # a focused select picks the option by typing its name
    for name in ("academic_title", "first_name", "last_name", "email", "organisation", "position"):
        tab_to(page, name)
        page.keyboard.type(person[name])
    if person.get("is_member"):
        tab_to(page, "is_member")
        page.keyboard.press("Space")
        tab_to(page, "member_number")
        page.keyboard.type(person["member_number"])
    tab_to(page, "privacy_consent")
    page.keyboard.press("Space")
    tab_to(page, "submit")
    page.keyboard.press("Enter")


def pdf_to_png(pdf_path, target_stem):
    """Render every page of a PDF to PNG (poppler's pdftoppm) so a person can look at it."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(target_stem)], check=True)
    return sorted(target_stem.parent.glob(f"{target_stem.name}*.png"))


_AXE = None
BLOCKING_IMPACTS = ("serious", "critical")


def serious_axe_violations(page):
    """axe-core's serious and critical violations on the current page, as readable lines.

    axe-playwright-python bundles axe-core and injects it with page.evaluate, so no
    network access and no Content-Security-Policy exception is needed.
    """
    global _AXE
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    results = _AXE.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(
            f"{page.url}: [{violation['impact']}] {violation['id']}: {violation['help']} ({targets})"
        )
    return lines
