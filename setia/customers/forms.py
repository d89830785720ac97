from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from setia.customers.models import (
    ConsentChannel,
    ConsentPurpose,
    ConsentSource,
    Customer,
    ErasureReason,
    InteractionKind,
)
from setia.customers.normalize import MONTHS_ID, parse_tags
from setia.lib.form_fields import DateInput, RupiahField
from setia.lib.phones import normalize_phone

MONTH_CHOICES = [("", "–")] + [(i + 1, m) for i, m in enumerate(MONTHS_ID)]


class CustomerForm(forms.ModelForm):
    referred_by_phone = forms.CharField(
        label=_("Referred by (their WhatsApp number)"), required=False, max_length=30
    )

    class Meta:
        model = Customer
        fields = [
            "name",
            "phone",
            "customer_type",
            "birth_day",
            "birth_month",
            "birth_year",
            "gender",
            "email",
            "area",
            "city",
            "address",
            "acquisition_source",
            "sizes",
            "favourites",
            "monthly_clothing_spend_idr",
            "tags",
            "notes",
        ]
        widgets = {
            "phone": forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}
            ),
            "birth_month": forms.Select(choices=MONTH_CHOICES),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        # Typed as text: a number box reads "150.000" as 150.
        field_classes = {"monthly_clothing_spend_idr": RupiahField}

    def __init__(self, *args, shop, **kwargs):
        self.shop = shop
        super().__init__(*args, **kwargs)
        self.fields["birth_month"].widget = forms.Select(choices=MONTH_CHOICES)
        self.fields["birth_day"].widget.attrs.update(min=1, max=31)
        if self._erased_referrer() is None and self.instance.referred_by_id:
            self.initial["referred_by_phone"] = self.instance.referred_by.phone

    def _erased_referrer(self) -> Customer | None:
        """The referrer when their data was erased: the field then stays empty
        (the placeholder is no number) and an empty field keeps the link."""
        referrer = self.instance.referred_by if self.instance.pk else None
        return referrer if referrer is not None and referrer.erased_at else None

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_tags(self):
        return parse_tags(self.cleaned_data.get("tags", ""))

    def clean_monthly_clothing_spend_idr(self):
        value = self.cleaned_data.get("monthly_clothing_spend_idr")
        if value is not None and value < 0:
            raise ValidationError(_("Enter zero or more."))
        return value

    def clean_referred_by_phone(self):
        raw = self.cleaned_data.get("referred_by_phone", "").strip()
        if not raw:
            return self._erased_referrer()
        e164 = normalize_phone(raw)
        referrer = Customer.objects.filter(shop=self.shop, phone=e164).first()
        if referrer is None:
            raise ValidationError(_("No customer has this number."))
        if self.instance.pk and referrer.pk == self.instance.pk:
            raise ValidationError(_("A customer cannot refer themselves."))
        return referrer

    def clean(self):
        data = super().clean()
        day, month, year = (
            data.get("birth_day"),
            data.get("birth_month"),
            data.get("birth_year"),
        )
        if (day is None) != (month in (None, "")):
            raise ValidationError(_("A birthday needs both the day and the month."))
        if year and not day:
            raise ValidationError(_("A birthday needs both the day and the month."))
        if day:
            import datetime as dt

            try:
                dt.date(year or 2000, int(month), day)
            except ValueError as exc:
                raise ValidationError(_("This birthday does not exist.")) from exc
            if year and not 1900 <= year <= dt.date.today().year:
                raise ValidationError(_("Check the birth year."))
        data["birth_month"] = int(month) if month not in (None, "") else None
        return data

    def profile_data(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in self.Meta.fields}
        for key in ("email", "gender", "area", "city", "address", "sizes"):
            data[key] = data[key] or ""
        for key in ("acquisition_source", "favourites", "tags", "notes"):
            data[key] = data[key] or ""
        data["referred_by"] = self.cleaned_data.get("referred_by_phone")
        return data


class ConsentForm(forms.Form):
    """One checkbox per purpose × channel, plus where the answer came from."""

    source = forms.ChoiceField(
        label=_("How the customer answered"),
        choices=ConsentSource.choices[:3],
        initial=ConsentSource.IN_PERSON,
    )

    def __init__(self, *args, state=None, **kwargs):
        super().__init__(*args, **kwargs)
        state = state or {}
        for purpose, purpose_label in ConsentPurpose.choices:
            for channel, channel_label in ConsentChannel.choices:
                self.fields[f"{purpose}__{channel}"] = forms.BooleanField(
                    label=f"{purpose_label} · {channel_label}",
                    required=False,
                    initial=bool(state.get((purpose, channel))),
                )

    def choices(self) -> dict[tuple[str, str], bool]:
        result = {}
        for name, value in self.cleaned_data.items():
            if "__" in name:
                purpose, channel = name.split("__")
                result[(purpose, channel)] = bool(value)
        return result


class QuickAddForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(
        label=capfirst(_("WhatsApp number")),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    agrees_marketing = forms.BooleanField(
        label=_("Agrees to receive offers on WhatsApp"), required=False
    )

    def clean_phone(self):
        normalize_phone(self.cleaned_data["phone"])
        return self.cleaned_data["phone"]


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    text = forms.CharField(
        label=_("What happened"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. wants a black gamis, size XL")}
        ),
    )
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    follow_up_on = forms.DateField(
        label=_("Follow up on"), required=False, widget=DateInput()
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV, Excel .xlsx or contacts .vcf)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.vcf,.txt"}),
    )


class NoticeForm(forms.Form):
    text = forms.CharField(
        label=_("Privacy notice"), widget=forms.Textarea(attrs={"rows": 8})
    )


# The word the Owner types to confirm an erasure, in the page's language
# ("HAPUS" in Indonesian); any case, spaces around it ignored.
CONFIRM_WORD = _("ERASE")


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=ErasureReason.choices,
        initial=ErasureReason.REQUEST,
        widget=forms.RadioSelect,
    )
    confirm = forms.CharField(max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("Type %(word)s to confirm") % {
            "word": CONFIRM_WORD
        }
        self.fields["confirm"].widget.attrs.update(
            {
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "data-testid": "erase-confirm",
            }
        )

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip().upper() != str(CONFIRM_WORD).upper():
            raise ValidationError(
                _("Type %(word)s to confirm.") % {"word": CONFIRM_WORD}
            )
        return self.cleaned_data["confirm"]
