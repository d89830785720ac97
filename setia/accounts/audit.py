"""Writing the audit log. Other apps call `record` inside their transactions."""

from collections.abc import Iterable

from django.db import models

from setia.accounts.models import AuditEvent, Shop, User


def record(
    shop: Shop,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    detail: str = "",
) -> AuditEvent:
    """Append one audit event. `detail` must never hold personal data."""
    return AuditEvent.objects.create(
        shop=shop,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        fields=sorted(fields),
        detail=detail[:255],
    )
