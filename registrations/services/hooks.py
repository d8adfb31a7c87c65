"""Extension points other services plug into when a place is taken or given up.

Service modules register their reactions with the decorators below (invoices
are cancelled with a registration, workshop seats and group places are freed,
a late registration joins a discussion group). `RegistrationsConfig.ready`
imports every module of this package, so a decorated function is active as
soon as its module exists; no module has to import the others, which keeps
the service modules free of import cycles.

Every hook runs inside the caller's transaction, with the conference row
locked: a hook that fails rolls the whole change back.
"""

_hooks = {"cancel": [], "move_up": [], "binding": []}


def _register(event):
    def decorator(func):
        if func not in _hooks[event]:
            _hooks[event].append(func)
        return func

    return decorator


on_cancel = _register("cancel")
"""A registration was cancelled (status is already CANCELLED)."""

on_move_up = _register("move_up")
"""A waiting registration got a place (status is already HOLDS_PLACE)."""

on_binding = _register("binding")
"""A registration became binding (stage BINDING) while holding a place, or a
binding registration moved up from the waiting list. The caller passes the
registration as it has just saved it, with its row locked (or new)."""


def run_cancel_hooks(registration):
    for func in _hooks["cancel"]:
        func(registration)


def run_move_up_hooks(registration):
    for func in _hooks["move_up"]:
        func(registration)
    if registration.stage == registration.Stage.BINDING:
        run_binding_hooks(registration)


def run_binding_hooks(registration):
    for func in _hooks["binding"]:
        func(registration)
