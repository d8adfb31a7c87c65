"""Run the same work in many threads at once, each with its own database connection.

For the PostgreSQL race tests: a barrier releases all threads together, and
every thread closes its connection when done.
"""

import threading

from django.db import connections


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
