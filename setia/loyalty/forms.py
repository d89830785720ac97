from django import forms
from django.utils.translation import gettext_lazy as _

from setia.lib.form_fields import CountField, DateInput, RupiahField
from setia.lib.forms import percent_field, times_field
from setia.loyalty.models import (
    BuyGetOffer,
    CouponRule,
    ProgramVersion,
    PromoCode,
    Reward,
    Tier,
)
from setia.loyalty.programs import PROGRAM_FIELDS
from setia.sales.models import Product


class ProgramForm(forms.ModelForm):
    excluded_categories = forms.CharField(
        label=_("Categories that earn no points"),
        required=False,
        help_text=_("Separate with commas, e.g. Aksesoris, Promo."),
    )

    class Meta:
        model = ProgramVersion
        fields = PROGRAM_FIELDS
        # Typed as text: a number box reads "10.000" as ten.
        field_classes = {
            "idr_per_point": RupiahField,
            "min_purchase_idr": RupiahField,
            "point_value_idr": RupiahField,
            "welcome_bonus_points": CountField,
            "birthday_bonus_points": CountField,
            "referral_bonus_points": CountField,
        }
        help_texts = {
            "earn_after_discounts": _(
                "Off: points on the prices charged, before your discounts, "
                "rewards and promo codes. Either way, what a buy-X-get-Y offer "
                "takes off (a free or cheaper piece) earns no points."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["excluded_categories"] = ", ".join(
                self.instance.excluded_categories
            )

    def clean_excluded_categories(self):
        text = self.cleaned_data.get("excluded_categories") or ""
        return [part.strip() for part in text.split(",") if part.strip()]

    def clean(self):
        data = super().clean()
        for name in ("idr_per_point", "point_value_idr"):
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, _("Must be more than 0."))
        if (data.get("min_purchase_idr") or 0) < 0:
            self.add_error("min_purchase_idr", _("Must not be negative."))
        return data


class TierForm(forms.ModelForm):
    multiplier_bp = times_field(
        _("Points multiplier"),
        initial=10_000,
        help_text=_("1 = normal, 1,5 = half as many again, 2 = double."),
    )

    class Meta:
        model = Tier
        fields = [
            "name",
            "min_spend_idr",
            "pyramid_level",
            "multiplier_bp",
            "perk",
            "is_active",
        ]
        field_classes = {"min_spend_idr": RupiahField}


class RewardForm(forms.ModelForm):
    percent_bp = percent_field(
        _("Percentage (%)"), help_text=_("For example 10."), initial=0
    )

    class Meta:
        model = Reward
        fields = [
            "name",
            "kind",
            "points_cost",
            "value_idr",
            "percent_bp",
            "cap_idr",
            "stock",
            "is_active",
        ]
        field_classes = {
            "points_cost": CountField,
            "value_idr": RupiahField,
            "cap_idr": RupiahField,
            "stock": CountField,
        }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "percent" and not data.get("percent_bp"):
            self.add_error("percent_bp", _("Enter the percentage."))
        if kind in ("discount", "free_item") and not data.get("value_idr"):
            self.add_error("value_idr", _("Enter the rupiah value."))
        if (data.get("points_cost") or 0) <= 0:
            self.add_error("points_cost", _("Must be more than 0."))
        return data


class AdjustForm(forms.Form):
    points = CountField(
        label=_("Points (+ to add, − to take off)"), allow_negative=True
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    key = forms.CharField(widget=forms.HiddenInput)


class StoreCreditForm(forms.Form):
    amount_idr = RupiahField(label=_("Amount (Rp)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    key = forms.CharField(widget=forms.HiddenInput)


class PromoForm(forms.ModelForm):
    percent_bp = percent_field(
        _("Percentage (%)"), help_text=_("For example 10."), initial=0
    )

    class Meta:
        model = PromoCode
        fields = [
            "code",
            "description",
            "discount_idr",
            "percent_bp",
            "cap_idr",
            "min_purchase_idr",
            "valid_from",
            "valid_until",
            "max_uses",
            "max_uses_per_customer",
            "is_active",
        ]
        field_classes = {
            "discount_idr": RupiahField,
            "cap_idr": RupiahField,
            "min_purchase_idr": RupiahField,
            "max_uses": CountField,
            "max_uses_per_customer": CountField,
        }
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, shop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop

    def clean_code(self):
        from setia.loyalty.programs import normalize_promo

        code = normalize_promo(self.cleaned_data["code"])
        clash = PromoCode.objects.filter(shop=self.shop, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This code already exists."))
        return code

    def clean(self):
        data = super().clean()
        if not data.get("discount_idr") and not data.get("percent_bp"):
            self.add_error(
                "discount_idr", _("Enter a rupiah discount or a percentage.")
            )
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end is before the start."))
        return data


class RedeemForm(forms.Form):
    """Hand over a reward at the counter without a sale (e.g. a free item)."""

    reward = forms.ModelChoiceField(label=_("Reward"), queryset=Reward.objects.none())
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, shop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reward"].queryset = Reward.objects.filter(
            shop=shop, is_active=True
        ).exclude(stock=0)


# ---- Promotions: next-order coupon rules and buy-X-get-Y offers ----


# Ten years: longer is a mistake (and past year 9999 a date cannot be stored).
MAX_COUPON_DAYS = 3650


class CouponRuleForm(forms.ModelForm):
    percent_bp = percent_field(
        _("Coupon percentage (%)"), help_text=_("For example 10."), initial=0
    )

    class Meta:
        model = CouponRule
        fields = [
            "name",
            "min_spend_idr",
            "discount_idr",
            "percent_bp",
            "cap_idr",
            "min_purchase_idr",
            "valid_days",
            "is_active",
        ]
        field_classes = {
            "min_spend_idr": RupiahField,
            "discount_idr": RupiahField,
            "cap_idr": RupiahField,
            "min_purchase_idr": RupiahField,
        }

    def clean(self):
        data = super().clean()
        if not data.get("discount_idr") and not data.get("percent_bp"):
            self.add_error(
                "discount_idr", _("Enter a rupiah discount or a percentage.")
            )
        for name in ("min_spend_idr", "discount_idr", "cap_idr", "min_purchase_idr"):
            if (data.get(name) or 0) < 0:
                self.add_error(name, _("Must not be negative."))
        if data.get("valid_days") is not None and data["valid_days"] <= 0:
            self.add_error("valid_days", _("Must be more than 0."))
        elif (data.get("valid_days") or 0) > MAX_COUPON_DAYS:
            self.add_error(
                "valid_days",
                _("At most %(days)s days.") % {"days": MAX_COUPON_DAYS},
            )
        return data


class BuyGetOfferForm(forms.ModelForm):
    percent_off_bp = percent_field(
        _("Discount on the pieces they get (%)"),
        required=True,
        min_bp=1,
        initial=10_000,
        help_text=_("100 = free, 50 = half price."),
    )

    class Meta:
        model = BuyGetOffer
        fields = [
            "name",
            "buy_qty",
            "buy_product",
            "buy_category",
            "get_qty",
            "get_product",
            "get_category",
            "percent_off_bp",
            "valid_from",
            "valid_until",
            "is_active",
        ]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}
        help_texts = {
            "get_product": _("Empty product and category: the same as bought."),
        }

    def __init__(self, *args, shop=None, **kwargs):
        super().__init__(*args, **kwargs)
        products = Product.objects.filter(shop=shop).order_by("name", "id")
        self.fields["buy_product"].queryset = products
        self.fields["get_product"].queryset = products

    def clean(self):
        data = super().clean()
        for side in ("buy", "get"):
            product = data.get(f"{side}_product")
            category = (data.get(f"{side}_category") or "").strip()
            data[f"{side}_category"] = category
            if product and category:
                self.add_error(
                    f"{side}_category", _("Choose a product or a category, not both.")
                )
        if not data.get("buy_product") and not data.get("buy_category"):
            self.add_error("buy_product", _("Choose a product or a category."))
        for name in ("buy_qty", "get_qty"):
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, _("Must be more than 0."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end is before the start."))
        return data
