import pytest
from django.http import HttpRequest
from django.urls import reverse

from setia.accounts.models import AuditEvent, Membership, Role, Shop, User
from setia.accounts.tests.factories import MembershipFactory


@pytest.mark.django_db
def test_owner_signs_up_her_shop_and_lands_on_home(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "shop_name": "Butik Melati",
            "full_name": "Melati",
            "whatsapp": "0812-3456-7890",
            "address": "Pasar 8, Kios KN-9",
            "language": "id",
            "username": "melati",
            "password": "gamis-hitam-XL-2026",
        },
    )
    assert response.status_code == 302
    shop = Shop.objects.get(name="Butik Melati")
    assert shop.whatsapp == "+6281234567890"
    membership = Membership.objects.get(shop=shop)
    assert membership.user.username == "melati" and membership.role == Role.OWNER
    home = client.get(reverse("reports:home"))
    assert "Halo, Melati" in home.content.decode()


@pytest.mark.django_db
def test_signup_rejects_a_bad_number_in_indonesian(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "shop_name": "X",
            "full_name": "X",
            "whatsapp": "12",
            "language": "id",
            "username": "x1",
            "password": "gamis-hitam-XL-2026",
        },
    )
    assert response.status_code == 200
    assert "bukan nomor HP" in response.content.decode()
    assert not Shop.objects.exists()


@pytest.mark.django_db
def test_a_host_can_close_sign_up(client, settings):
    settings.OPEN_SIGNUP = False
    assert client.get(reverse("accounts:signup")).status_code == 404


@pytest.mark.django_db
def test_login_and_logout(client, owner):
    response = client.post(
        reverse("accounts:login"),
        {"username": owner.username, "password": "rahasia-uji-123"},
    )
    assert response.status_code == 302
    assert client.get(reverse("reports:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("reports:home")).status_code == 302


@pytest.mark.django_db
def test_staff_cannot_reach_owner_pages(staff_client, shop):
    assert staff_client.get(reverse("accounts:add_staff")).status_code == 403
    assert staff_client.get(reverse("accounts:audit_log")).status_code == 403
    page = staff_client.get(reverse("accounts:settings")).content.decode()
    assert "Data toko" not in page  # the shop form is the Owner's


@pytest.mark.django_db
def test_owner_adds_staff_who_can_then_log_in(owner_client, shop, client):
    response = owner_client.post(
        reverse("accounts:add_staff"),
        {
            "full_name": "Rina",
            "username": "rina2",
            "password": "kulot-biru-2026",
            "role": Role.STAFF,
        },
    )
    assert response.status_code == 302
    member = Membership.objects.get(shop=shop, user__username="rina2")
    assert member.role == Role.STAFF
    assert AuditEvent.objects.filter(shop=shop, action="staff.added").exists()
    owner_client.logout()
    assert owner_client.login(
        request=HttpRequest(), username="rina2", password="kulot-biru-2026"
    )


@pytest.mark.django_db
def test_owner_resets_a_staff_password(owner_client, shop, staff_user):
    member = Membership.objects.get(shop=shop, user=staff_user)
    response = owner_client.post(
        reverse("accounts:reset_staff_password", args=[member.pk])
    )
    new_password = response.context["password"]
    staff_user.refresh_from_db()
    assert staff_user.check_password(new_password)
    assert not staff_user.check_password("rahasia-uji-123")


@pytest.mark.django_db
def test_deactivated_staff_loses_the_shop(owner_client, shop, staff_user, client):
    member = Membership.objects.get(shop=shop, user=staff_user)
    owner_client.post(reverse("accounts:toggle_staff", args=[member.pk]))
    member.refresh_from_db()
    assert member.is_active is False
    owner_client.logout()
    owner_client.force_login(staff_user)
    response = owner_client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:no_shop")


@pytest.mark.django_db
def test_user_switches_language_to_english(owner_client, owner):
    owner_client.post(reverse("accounts:set_language"), {"language": "en"})
    owner.refresh_from_db()
    assert owner.language == "en"
    assert "Hello," in owner_client.get(reverse("reports:home")).content.decode()


@pytest.mark.django_db
def test_user_with_two_shops_switches_between_them(owner_client, owner, other_shop):
    Membership.objects.create(user=owner, shop=other_shop, role=Role.STAFF)
    home = owner_client.get(reverse("reports:home")).content.decode()
    first = "Butik Uji A" in home
    target = other_shop if first else Shop.objects.exclude(pk=other_shop.pk).get()
    owner_client.post(reverse("accounts:switch_shop"), {"shop": target.pk})
    home = owner_client.get(reverse("reports:home")).content.decode()
    assert target.name in home


@pytest.mark.django_db
def test_cannot_switch_to_a_shop_one_is_not_member_of(owner_client, other_shop):
    response = owner_client.post(
        reverse("accounts:switch_shop"), {"shop": other_shop.pk}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_user_without_shop_is_told_so(client):
    user = User.objects.create_user("lonely", password="x-very-long-pass")
    client.force_login(user)
    response = client.get(reverse("reports:home"))
    assert response["Location"] == reverse("accounts:no_shop")


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_rupiah_and_date_are_indonesian_on_pages(owner_client, shop):
    from django.template import engines

    html = engines["django"].from_string("{{ 1250000|rupiah }}").render({})
    assert html == "Rp 1.250.000"


@pytest.mark.django_db
def test_owner_edits_shop_details_and_it_is_audited(owner_client, shop):
    response = owner_client.post(
        reverse("accounts:edit_shop"),
        {
            "name": "Butik Baru",
            "whatsapp": "081299998888",
            "address": "KN-3",
            "language": "id",
        },
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.name == "Butik Baru" and shop.whatsapp == "+6281299998888"
    event = AuditEvent.objects.get(shop=shop, action="shop.updated")
    assert "name" in event.fields
    assert "Butik" not in event.detail  # no data values, only field names


@pytest.mark.django_db
def test_membership_factory_roles(shop):
    member = MembershipFactory(shop=shop, role=Role.OWNER)
    assert member.is_owner


@pytest.mark.django_db
def test_login_page_offers_sign_up_only_when_open(client, settings):
    assert "Daftar di sini" in client.get(reverse("accounts:login")).content.decode()
    settings.OPEN_SIGNUP = False
    assert (
        "Daftar di sini" not in client.get(reverse("accounts:login")).content.decode()
    )


@pytest.mark.django_db
def test_bad_shop_details_are_shown_again_with_the_error(owner_client, shop):
    response = owner_client.post(
        reverse("accounts:edit_shop"),
        {"name": "Butik", "whatsapp": "12", "address": "", "language": "id"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "bukan nomor HP" in page and "Bahasa" in page
    shop.refresh_from_db()
    assert shop.name == "Butik Uji A"


@pytest.mark.django_db
def test_owner_cannot_reset_password_of_someone_who_also_works_elsewhere(
    owner_client, shop, other_shop
):
    # A password is global: resetting it would hand over the other shop too.
    shared = MembershipFactory(shop=other_shop, role=Role.OWNER).user
    member = Membership.objects.create(user=shared, shop=shop, role=Role.STAFF)
    url = reverse("accounts:reset_staff_password", args=[member.pk])
    assert owner_client.post(url).status_code == 403
    shared.refresh_from_db()
    assert shared.check_password("rahasia-uji-123")
    page = owner_client.get(reverse("accounts:settings")).content.decode()
    assert url not in page


@pytest.mark.django_db
def test_owner_cannot_reset_a_co_owners_password(owner_client, shop):
    co_owner = MembershipFactory(shop=shop, role=Role.OWNER)
    url = reverse("accounts:reset_staff_password", args=[co_owner.pk])
    assert owner_client.post(url).status_code == 403
