"""Demo data for a fresh installation, loaded by `manage.py load_demo`.

It holds the 2022 Jahrestagung in Leipzig with its whole programme as the
conference report gives it (leipzig2022.py), the announcement of the 2025 Kleine
Jahrestagung in Köln (koeln2025.py), an upcoming conference clearly marked as a
demonstration (musterstadt.py), first versions of the privacy notice and the
Impressum (templates/programme/demo/), and, only with DEBUG, a login for the
Geschäftsstelle (the association's office).

Loading (loader.py) is idempotent: every object is looked up by its natural key
and saved only when a value differs, so a second run changes nothing. Pages and
the demo conference are only created when missing, so the office's edits survive.
"""

from .loader import DEMO_SLUG, KOELN_SLUG, LEIPZIG_SLUG, load_demo

__all__ = ["DEMO_SLUG", "KOELN_SLUG", "LEIPZIG_SLUG", "load_demo"]
