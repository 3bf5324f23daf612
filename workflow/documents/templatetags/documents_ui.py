"""``{% load documents_ui %}{% case_documents_panel case %}``: a case page's documents, with links to upload and sign."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from workflow import registry
from workflow.errors import NotVisible

from .. import services

register = template.Library()


@register.inclusion_tag("documents/includes/case_panel.html", takes_context=True)
def case_documents_panel(context, case):
    spec = registry.for_model(case)
    request = context.get("request")
    user = getattr(request, "user", None)
    docs = []
    if spec is not None and user is not None:
        try:
            docs = services.case_documents(process=spec.key, case_id=case.pk, user=user)
        except NotVisible:
            docs = []
    url = reverse("documents:list") + "?" + urlencode({"process": spec.key if spec else "", "case": case.pk})
    # A reader who may not upload (an auditor, a closed case) is offered the list, not an upload.
    can_upload = user is not None and user.is_authenticated and services.may_upload(case, user)
    return {"docs": docs, "documents_url": url, "may_upload": can_upload}
