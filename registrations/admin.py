"""The office's admin (Geschäftsstelle): one module per concern in registrations/office/.

Django's autodiscover imports this module; importing the office modules registers them.
"""

from .office import bank_import, checkin, circulars, groups, programme, registrations, workshops  # noqa: F401
