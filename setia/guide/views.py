from django.http import Http404
from django.shortcuts import render

from setia.accounts.decorators import staff_required
from setia.guide.topics import TOPICS, TOPICS_BY_SLUG


@staff_required
def index(request):
    return render(
        request,
        "guide/index.html",
        {"topics": TOPICS, "start": TOPICS_BY_SLUG["cara-pakai"]},
    )


@staff_required
def topic(request, topic: str):
    found = TOPICS_BY_SLUG.get(topic)
    if found is None:
        raise Http404
    position = TOPICS.index(found)
    return render(
        request,
        "guide/topic.html",
        {
            "topic": found,
            "number": position + 1,
            "total": len(TOPICS),
            "body_template": found.template_name(),
            "previous": TOPICS[position - 1] if position > 0 else None,
            "next": TOPICS[position + 1] if position + 1 < len(TOPICS) else None,
        },
    )
