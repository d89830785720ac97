"""Customer services: search, quick add, consent ledger, follow-ups."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from setia.accounts.models import AppendOnlyError, AuditEvent
from setia.customers import services
from setia.customers.models import ConsentEvent, Customer
from setia.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_search_finds_any_part_of_name_or_number(shop, other_shop):
    siti = CustomerFactory(shop=shop, name="Siti Aminah", phone="+6281234567890")
    CustomerFactory(shop=shop, name="Dewi Lestari", phone="+6285711112222")
    CustomerFactory(shop=other_shop, name="Siti Lain", phone="+6281234567891")
    for query in [
        "siti",
        "AMIN",
        "minah",
        "0812-3456",
        "62812345",
        "+62 812 345",
        "7890",
    ]:
        assert list(services.search_customers(shop, query)) == [siti], query
    assert services.search_customers(shop, "").count() == 2


def test_search_ignores_accents(shop):
    renee = CustomerFactory(shop=shop, name="Renée Putri")
    assert list(services.search_customers(shop, "renee")) == [renee]
    assert list(services.search_customers(shop, "Renée")) == [renee]


def test_search_text_follows_renames(shop):
    c = CustomerFactory(shop=shop, name="Ayu")
    c.name = "Ayu Kusuma"
    c.save(update_fields=["name"])
    assert list(services.search_customers(shop, "kusuma")) == [c]


def test_quick_add_returns_the_existing_customer_for_a_known_number(shop, owner):
    first = services.quick_add_customer(shop, owner, "Siti", "0812-3456-7890")
    again = services.quick_add_customer(shop, owner, "Bu Siti", "+62 812 3456 7890")
    assert again.pk == first.pk
    assert first.phone == "+6281234567890"
    assert Customer.objects.filter(shop=shop).count() == 1
    event = AuditEvent.objects.get(action="customer.created")
    assert "Siti" not in event.detail and "0812" not in event.detail


def test_quick_add_rejects_a_bad_number(shop, owner):
    with pytest.raises(ValidationError):
        services.quick_add_customer(shop, owner, "Siti", "12")


def test_add_customer_refuses_a_known_number(shop, owner):
    existing = CustomerFactory(shop=shop, phone="+6281234567890")
    with pytest.raises(services.DuplicatePhone) as info:
        services.add_customer(shop, owner, {"name": "X", "phone": "+6281234567890"})
    assert info.value.existing == existing


def test_consent_history_is_append_only_and_withdrawal_is_a_new_event(shop, owner):
    c = CustomerFactory(shop=shop)
    key = ("marketing", "whatsapp")
    services.record_consent(c, owner, {key: True})
    assert services.has_consent(c, "marketing", "whatsapp")
    c.refresh_from_db()
    assert c.has_marketing_consent
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        services.record_consent(c, owner, {key: False}, source="whatsapp_reply")
    assert not services.has_consent(c, "marketing", "whatsapp")
    c.refresh_from_db()
    assert not c.has_marketing_consent
    events = list(ConsentEvent.objects.filter(customer=c).order_by("created_at"))
    assert [e.is_granted for e in events] == [True, False]
    assert events[0].notice.version == 1
    assert events[1].source == "whatsapp_reply"
    with pytest.raises(AppendOnlyError):
        events[0].delete()
    with pytest.raises(AppendOnlyError):
        events[0].is_granted = False
        events[0].save()


def test_unchanged_answers_add_no_events(shop, owner):
    c = CustomerFactory(shop=shop)
    services.record_consent(c, owner, {("birthday", "sms"): True})
    assert services.record_consent(c, owner, {("birthday", "sms"): True}) == []


def test_marketing_whatsapp_queryset_uses_the_latest_answer(shop, owner):
    yes = CustomerFactory(shop=shop)
    withdrawn = CustomerFactory(shop=shop)
    sms_only = CustomerFactory(shop=shop)
    services.record_consent(yes, owner, {("marketing", "whatsapp"): True})
    services.record_consent(withdrawn, owner, {("marketing", "whatsapp"): True})
    services.record_consent(withdrawn, owner, {("marketing", "whatsapp"): False})
    services.record_consent(sms_only, owner, {("marketing", "sms"): True})
    assert list(services.marketing_whatsapp_customers(shop)) == [yes]


def test_a_new_notice_version_is_used_for_later_consent(shop, owner):
    assert services.current_notice(shop).version == 1
    assert "Butik Uji A" in services.current_notice(shop).text
    services.publish_notice(shop, owner, "Versi baru")
    c = CustomerFactory(shop=shop)
    (event,) = services.record_consent(c, owner, {("analysis", "email"): True})
    assert event.notice.version == 2


def test_due_follow_ups(shop, owner):
    c = CustomerFactory(shop=shop)
    today = dt.date(2026, 11, 28)
    due = services.log_interaction(c, owner, "request", "gamis XL", today, today)
    late = services.log_interaction(
        c, owner, "request", "x", today, today - dt.timedelta(days=3)
    )
    services.log_interaction(c, owner, "request", "y", today, today + dt.timedelta(1))
    services.log_interaction(c, owner, "visit", "z", today)
    done = services.log_interaction(c, owner, "chat", "w", today, today)
    services.complete_follow_up(shop, owner, done)
    assert list(services.due_follow_ups(shop, today)) == [late, due]


def test_note_purchase_keeps_the_latest_date(shop):
    c = CustomerFactory(shop=shop)
    services.note_purchase(c, dt.date(2026, 5, 1))
    services.note_purchase(c, dt.date(2026, 3, 1))
    c.refresh_from_db()
    assert c.last_purchase_on == dt.date(2026, 5, 1)


@pytest.mark.parametrize("by_last_purchase", [False, True])
def test_many_hits_walk_gives_the_same_page_as_sorting_the_few(
    shop, other_shop, monkeypatch, by_last_purchase
):
    dates = [None, dt.date(2024, 5, 1), dt.date(2024, 6, 1)]
    for i, name in enumerate(["Sari Dewi", "Ani Sari", "Bu Sarinah", "Dewi Lestari"]):
        CustomerFactory(shop=shop, name=name, last_purchase_on=dates[i % 3])
    CustomerFactory(shop=shop, name="Ani Sari", last_purchase_on=dates[2])
    CustomerFactory(shop=other_shop, name="Sari Lain")
    params = {"q": "sari", "sort": "last_purchase" if by_last_purchase else ""}
    few = list(services.filter_customers(shop, params))
    monkeypatch.setattr(services, "DENSE_MATCHES", 2)  # now "many" hits
    many = list(services.filter_customers(shop, params))
    assert many == few
    assert len(few) == 4
    if by_last_purchase:
        assert [c.last_purchase_on for c in few][-1] is None
    else:
        assert [c.name for c in few] == sorted(c.name for c in few)


@pytest.mark.django_db
def test_short_name_prefix_sorted_by_last_purchase_keeps_the_order(shop):
    import datetime as dt

    from setia.customers import services
    from setia.customers.models import Customer

    def add(name, phone, last):
        c = Customer.objects.create(shop=shop, name=name, phone=phone)
        Customer.objects.filter(pk=c.pk).update(last_purchase_on=last)
        return c

    never = add("Yuni Tanpa Belanja", "+6281340000001", None)
    old = add("Yanti Lama", "+6281340000002", dt.date(2025, 1, 5))
    recent = add("Yulia Baru", "+6281340000003", dt.date(2026, 11, 1))
    add("Ani Lain", "+6281340000004", dt.date(2026, 11, 20))
    found = list(services.filter_customers(shop, {"q": "y", "sort": "last_purchase"}))
    assert found == [recent, old, never]


def test_edit_racing_another_clerk_to_a_number_says_it_is_taken(
    shop, owner, monkeypatch
):
    """The other clerk saves the number after this edit's check: the unique
    constraint stops it, and the Owner hears whose number it is (a database
    error would also have put the number in the log on PostgreSQL)."""
    siti = CustomerFactory(shop=shop, name="Siti", phone="+6281211110001")
    rina = CustomerFactory(shop=shop, name="Rina", phone="+6281211110002")
    real_check = services._phone_owner
    calls = []

    def check_before_the_other_clerk_committed(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_check(*args)

    monkeypatch.setattr(
        services, "_phone_owner", check_before_the_other_clerk_committed
    )
    with pytest.raises(services.DuplicatePhone) as caught:
        services.update_customer(shop, owner, rina, {"phone": siti.phone})
    assert caught.value.existing == siti
    assert Customer.objects.get(pk=rina.pk).phone == "+6281211110002"
