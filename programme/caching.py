"""The cache of the public programme: which pages may be cached, their keys and lifetime.

The rendered programme days, the whole programme page and the iCal file are the same
for every anonymous visitor, so they are cached per conference, language and time zone.
Each key holds `Conference.updated_at`, which programme/signals.py touches whenever
anything the programme shows changes; stale entries simply expire.
"""

import datetime as dt

from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from simple_history.models import HistoricalChanges

from core.pagecache import invalidate_public_pages

from .models import Conference

PROGRAMME_CACHE_SECONDS = 24 * 60 * 60


def is_public_programme(conference):
    """Whether the public sees this conference's programme (only then is anything cached)."""
    return conference.programme_published and conference.status == Conference.Status.PUBLISHED


def cache_key(kind, conference, *parts):
    return ":".join(
        (
            kind,
            str(conference.pk),
            conference.updated_at.isoformat(),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *parts,
        )
    )


# The whole public pages (core/pagecache.py): every change to a programme model marks them
# outdated, and what changes with time alone bounds how long a stored page is kept.


def _invalidate_on_change(sender, **kwargs):
    invalidate_public_pages()


def _invalidate_on_m2m_change(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_public_pages()


def connect_page_cache(app_config, *, never_shown=()):
    """Invalidate the cached public pages whenever a model of `app_config` (or a link
    between them) is saved or deleted. Connected for every model, so a new model of the
    app keeps the pages fresh without anyone remembering to add it here.

    Left out: the audit trail's rows (simple_history), written only together with a save or
    delete of their model, which invalidates already, and the models in `never_shown`, rows
    no public page shows (mails, submitted-form receipts). Each invalidation is a cache
    write: a binding registration saved twelve rows, so it wrote the version twelve times.
    """
    for model in app_config.get_models():
        if issubclass(model, HistoricalChanges) or model in never_shown:
            continue
        uid = f"public-pages-{model._meta.label}"
        post_save.connect(_invalidate_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_invalidate_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _invalidate_on_m2m_change, sender=through, dispatch_uid=f"{uid}-m2m-{through._meta.label}"
            )


def next_midnight(now):
    """The next local midnight: deadlines are dates that end there, and the home page shows today."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))


def programme_valid_until(sender, now, **kwargs):
    """When the public pages' view of the conferences changes with time alone: at midnight
    (deadline days), when a pre-registration opens, a conference begins or ends."""
    fields = ("pre_registration_opens_at", "starts_at", "ends_at")
    found = Conference.objects.aggregate(
        **{field: Min(field, filter=Q(**{f"{field}__gt": now})) for field in fields}
    )
    return min([next_midnight(now), *(moment for moment in found.values() if moment is not None)])
