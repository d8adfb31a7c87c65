"""Log output stays readable: WeasyPrint's step-by-step progress is not logged."""

import logging


def test_weasyprint_progress_steps_are_not_logged_but_its_warnings_are():
    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint.progress").isEnabledFor(logging.WARNING)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
