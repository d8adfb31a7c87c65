"""gunicorn's access and error logs without personal-link secrets (see vsop_events/security.py)."""

from gunicorn.glogging import Logger

from vsop_events.security import RedactPersonalLinks, redact_personal_links


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        # "Error handling request /anmeldung/<token>/" when the application itself fails.
        for handler in self.error_log.handlers:
            handler.addFilter(RedactPersonalLinks())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_personal_links(atoms[key])
        return atoms
