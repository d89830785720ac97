from django.http import Http404
from django.shortcuts import render

from setia.accounts.decorators import staff_required


@staff_required
def index(request):
    return render(request, "guide/index.html")


@staff_required
def topic(request, topic: str):
    raise Http404
