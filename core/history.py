"""The audit trail (django-simple-history), with its history manager's class built once.

`instance.history` (which every audit row reads while it is written) asks simple-history's
descriptor for a manager, and the descriptor builds a new manager class for each call with
`Manager.from_queryset`: type() plus inspect.getmembers over the queryset, about a quarter of
the cost of writing an audit row (cProfile of the burst, bench/LOAD.md, 2 Dec 2026).
The class is the same every time, so it is built once per queryset class here.
"""

import functools

from simple_history import manager, models


class HistoryManager(manager.HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


def HistoricalRecords(**options):  # noqa: N802 -- stands where simple_history's class stood
    """simple_history.models.HistoricalRecords with the manager above."""
    return models.HistoricalRecords(history_manager=HistoryManager, **options)
