"""Extension points other services plug into when a place is taken or given up.

Binding registrations (invoices) and workshop seats react to cancellations;
keeping the calls here avoids import cycles between the service modules.
"""


def run_cancel_hooks(registration):
    """Called inside the cancelling transaction, with the conference row locked."""


def run_move_up_hooks(registration):
    """Called inside the transaction that gives a waiting person a place."""
