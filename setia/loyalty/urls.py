from django.urls import path

from setia.loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find_member, name="find"),
    path("settings/", views.program_settings, name="settings"),
    path("tiers/", views.tiers, name="tiers"),
    path("tiers/<int:tier_id>/", views.tier_edit, name="tier_edit"),
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/<int:reward_id>/", views.reward_edit, name="reward_edit"),
    path("promos/", views.promos, name="promos"),
    path("promos/<int:promo_id>/", views.promo_edit, name="promo_edit"),
    path("coupons/", views.coupon_rules, name="coupon_rules"),
    path("coupons/<int:rule_id>/", views.coupon_rule_edit, name="coupon_rule_edit"),
    path("offers/", views.offers, name="offers"),
    path("offers/<int:offer_id>/", views.offer_edit, name="offer_edit"),
    path("expiring/", views.expiring, name="expiring"),
    path("report/", views.report, name="report"),
    path("members/<int:customer_id>/", views.member, name="member"),
    path("members/<int:customer_id>/adjust/", views.adjust, name="adjust"),
    path("members/<int:customer_id>/credit/", views.store_credit, name="credit"),
    path("members/<int:customer_id>/redeem/", views.redeem, name="redeem"),
    path("members/<int:customer_id>/card/", views.card, name="card"),
    path("members/<int:customer_id>/card.png", views.card_png, name="card_png"),
    path(
        "members/<int:customer_id>/card/new/",
        views.card_reissue,
        name="card_reissue",
    ),
    path("members/<int:customer_id>/link/", views.own_link, name="own_link"),
    path(
        "members/<int:customer_id>/link/revoke/",
        views.own_link_revoke,
        name="own_link_revoke",
    ),
    path("me/<str:token>/", views.own_page, name="own_page"),
]
