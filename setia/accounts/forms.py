from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role, Shop, User
from setia.lib.phones import normalize_phone


class SignupForm(forms.Form):
    shop_name = forms.CharField(label=_("Shop name"), max_length=120)
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    whatsapp = forms.CharField(label=_("Shop WhatsApp number"), max_length=30)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_whatsapp(self):
        return normalize_phone(self.cleaned_data["whatsapp"])

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class ShopForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = ["name", "whatsapp", "address", "language"]

    def clean_whatsapp(self):
        value = self.cleaned_data["whatsapp"]
        return normalize_phone(value) if value else ""


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class StaffForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)

    def __init__(self, *args, shop: Shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if self.shop.memberships.filter(user__username__iexact=username).exists():
            raise forms.ValidationError(_("This person is already in your shop."))
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password
