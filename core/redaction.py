"""Personal links are secrets: the token in `/anmeldung/<token>/…` opens a person's data, and so
does the one in `/abschliessen/<token>/` (the link that applies a pending completion).

Logs (vsop_events/security.py) and the office's views of sent mails (registrations/office) show
the link masked, so only its owner ever sees it.
"""

import re

_PERSONAL_LINK = re.compile(r"(/(?:anmeldung|abschliessen)/)[^/\s\"'<>]+")


def redact_personal_links(text):
    """`text` with the secret of every personal link replaced by […]."""
    return _PERSONAL_LINK.sub(r"\1[…]", text)
