"""Run the same work in many threads at once, each with its own database connection.

For the PostgreSQL race tests: a barrier releases all threads together, and
every thread closes its connection when done.
"""

import threading

import pytest
from django.db import connection, connections

# The marks of every race test module: real transactions, and PostgreSQL, whose row locks are
# what the tests race against (a legitimate skip on SQLite, which serialises all writers).
POSTGRES_RACE = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; the row-lock race needs PostgreSQL",
    ),
]


def at_once(work, arguments):
    """Call `work(argument)` for every argument in its own thread, all at the same moment.

    Returns (results, errors) in no particular order.
    """
    barrier = threading.Barrier(len(arguments))
    results, errors = [], []

    def worker(argument):
        try:
            barrier.wait()
            results.append(work(argument))
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
