"""R15, once only: a form's or a request's key names one submission and what it recorded; and
what an edit meets when someone changed the record since the page was drawn."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SUBMISSION_REUSED = "submission_reused"
# A field (F4) or license count (F5) someone else changed after the agent's page was drawn.
CHANGED_MEANWHILE = "changed_meanwhile"


class SubmissionReused(ValidationError):
    """The key was first submitted with other details, which were recorded then; nothing new is.

    A double-click or a retry sends the same details and gets what they recorded; different
    details under the same key (a form changed after Back, a script reusing MS-RequestId) would
    otherwise be answered with that earlier record as if these had been saved.
    """

    def __init__(self):
        super().__init__(
            _(
                "This form or request was first submitted with other details, which were recorded then. "
                "Nothing new was recorded; to record these details, submit them again."
            ),
            code=SUBMISSION_REUSED,
        )
