from django import forms
from django.utils.translation import gettext_lazy as _

from setia.loyalty.models import ProgramVersion, PromoCode, Reward, Tier
from setia.loyalty.programs import PROGRAM_FIELDS


class ProgramForm(forms.ModelForm):
    excluded_categories = forms.CharField(
        label=_("Categories that earn no points"),
        required=False,
        help_text=_("Separate with commas, e.g. Aksesoris, Promo."),
    )

    class Meta:
        model = ProgramVersion
        fields = PROGRAM_FIELDS

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
    class Meta:
        model = Tier
        fields = ["name", "min_spend_idr", "multiplier_bp", "perk", "is_active"]

    def clean_multiplier_bp(self):
        value = self.cleaned_data["multiplier_bp"]
        if value < 10_000:
            raise forms.ValidationError(_("The multiplier is at least 10000 (×1)."))
        return value


class RewardForm(forms.ModelForm):
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
    points = forms.IntegerField(
        label=_("Points (+ to add, − to take off)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    key = forms.CharField(widget=forms.HiddenInput)


class StoreCreditForm(forms.Form):
    amount_idr = forms.IntegerField(label=_("Amount (Rp)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    key = forms.CharField(widget=forms.HiddenInput)


class PromoForm(forms.ModelForm):
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
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

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
