"""Background jobs of the people app."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def apply_retention() -> dict:
    """Daily (celery beat): what is past its retention period is anonymised
    or removed (``retention.retention_apply``). Running it twice does nothing
    more the second time."""
    from .retention import retention_apply

    result = retention_apply()
    logger.info(
        "Retention: %d people anonymised, %d access-log lines deleted, "
        "%d audit entries trimmed",
        len(result.people),
        result.access_logs,
        result.audit_entries,
    )
    return {
        "people": len(result.people),
        "access_logs": result.access_logs,
        "audit_entries": result.audit_entries,
    }
