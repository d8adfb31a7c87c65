"""A limit per personal link on its downloads (PDFs, the data copy), in the shared cache.

Rendering a PDF costs tens of milliseconds; one link fetching them in a loop slowed every
visitor. A person downloads a handful of documents, so the limit per link is low and costs
nobody anything; it is per link rather than per address, so colleagues behind one proxy
do not share it. The cache key holds a hash of the link's secret, never the secret.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def is_download_limited(token, scope="download"):
    """Count this download of the link `token`; True when the link exceeded its limit in the window."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    key = f"linklimit:{scope}:{digest}"
    window = settings.DOWNLOAD_LIMIT_WINDOW
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > settings.DOWNLOAD_LIMIT
