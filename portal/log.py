"""What the portal's log keeps (settings.LOGGING)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx is the client's doing: one line, not the traceback of the PermissionDenied or
    Http404 behind it, which buried the real errors (a 5xx keeps its traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
