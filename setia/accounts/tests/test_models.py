import pytest

from setia.accounts import audit
from setia.accounts.models import AppendOnlyError, AuditEvent


@pytest.mark.django_db
def test_audit_events_cannot_be_edited_or_deleted(shop, owner):
    event = audit.record(shop, owner, "customer.created", shop, fields=["name"])
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "customer.created"


def test_rupiah_formatting():
    from setia.lib.money import format_rupiah, percent_of

    assert format_rupiah(125000) == "Rp 125.000"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(-5000) == "-Rp 5.000"
    assert percent_of(125_000, 1_000) == 12_500  # 10 %
    assert percent_of(999, 500) == 50  # 49.95 rounds half up


def test_allocation_adds_up_to_the_total_exactly():
    from setia.lib.money import allocate, scale

    # 2.000 over three equal lines: 666,67 each; rounding each would give 2.001.
    assert allocate(2_000, [1_000, 1_000, 1_000]) == [667, 667, 666]
    assert allocate(100, [1, 1]) == [50, 50]
    assert allocate(0, [5, 7]) == [0, 0]
    assert allocate(10, [0, 0]) == [0, 0]
    for total, weights in [(99_999, [3, 7, 11, 13]), (1, [1, 1, 1]), (7, [9])]:
        parts = allocate(total, weights)
        assert sum(parts) == total and all(p >= 0 for p in parts)
    assert scale(1_000, 1, 3) == 333 and scale(2_000, 1, 3) == 667


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0812-3456-789", "+62812345678" + "9"),
        ("62812345678901", "+6281234567890" + "1"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("(021) 555-1234", "+62215551234"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw, expected, settings):
    from setia.lib.phones import normalize_phone

    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "123", "abc", "+1 555"])
def test_bad_phone_numbers_are_refused(raw):
    from django.core.exceptions import ValidationError

    from setia.lib.phones import normalize_phone

    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_secret_key_check_refuses_example_key(settings):
    from setia.accounts.checks import secret_key_is_not_dev_default

    settings.DEBUG = False
    settings.SECRET_KEY = settings.EXAMPLE_SECRET_KEY
    assert [e.id for e in secret_key_is_not_dev_default(None)] == ["setia.E001"]
    settings.SECRET_KEY = "x" * 50
    assert secret_key_is_not_dev_default(None) == []
