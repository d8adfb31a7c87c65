"""The office's admin (Geschäftsstelle): one module per concern in registrations/office/.

Django's autodiscover imports this module; importing the office modules registers them.
"""

from .office import (  # noqa: F401
    bank_import,
    checkin,
    circulars,
    groups,
    invitations,
    programme,
    registrations,
    workshops,
)
