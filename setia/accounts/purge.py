"""Remove every row that belongs to one shop (a shop leaving a hosted server, or the
demo shop being refreshed).

Ledgers refuse deletion through the ORM (PROTECT foreign keys, `AppendOnlyModel`),
which is right for everyday work but would make a shop impossible to remove. This
walks the models instead: each model is reached from `Shop` along its shortest
foreign-key path and deleted with one SQL DELETE, children before parents, inside
one transaction.
"""

from collections import deque

from django.apps import apps
from django.db import transaction

from setia.accounts.models import Shop


def _path_to_shop(model) -> str | None:
    """Shortest `a__b__shop`-style lookup from `model` to Shop, via forward FKs."""
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        for field in current._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            target = field.related_model
            lookup = f"{prefix}{field.name}"
            if target is Shop:
                return lookup
            if target not in seen and target._meta.app_label != "auth":
                seen.add(target)
                queue.append((target, f"{lookup}__"))
    return None


def _children_first(candidates: list) -> list:
    """Order models so that a model comes before every model it points to."""
    order, placed = [], set()
    pending = list(candidates)
    while pending:
        progressed = False
        for model in list(pending):
            referrers = [
                other
                for other in pending
                if other is not model
                and any(
                    (f.many_to_one or f.one_to_one) and f.related_model is model
                    for f in other._meta.get_fields()
                    if f.concrete
                )
            ]
            if not referrers:
                order.append(model)
                placed.add(model)
                pending.remove(model)
                progressed = True
        if not progressed:  # a cycle: constraints are deferred until commit anyway
            order.extend(pending)
            break
    return order


@transaction.atomic
def purge_shop(shop: Shop) -> dict[str, int]:
    """Delete the shop and everything of it; returns rows deleted per model."""
    owned = []
    for model in apps.get_models():
        if model is Shop or model._meta.proxy or not model._meta.managed:
            continue
        path = _path_to_shop(model)
        if path is not None:
            owned.append((model, path))
    paths = dict(owned)
    deleted = {}
    for model in _children_first([m for m, _ in owned]):
        queryset = model._base_manager.filter(**{paths[model]: shop})
        count = queryset._raw_delete(queryset.db)
        if count:
            deleted[model._meta.label] = count
    count = Shop.objects.filter(pk=shop.pk)._raw_delete(Shop.objects.db)
    deleted["accounts.Shop"] = count
    return deleted
