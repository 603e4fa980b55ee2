"""Signals other apps listen to (certificates issue on completion)."""

from django.dispatch import Signal

# Sent on commit of the transaction that marked an enrolment completed.
# Arguments: enrolment.
course_completed = Signal()
