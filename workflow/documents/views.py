"""Web pages for documents: the case's documents with the upload form, one page per
document (versions, signatures, the signing form), downloads and the text diff.

Thin views: each reads the request, calls one service, and renders or redirects;
a refused action is shown with the service's reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import policy
from .. import services as case_services
from ..audit import RequestMeta
from ..errors import NotVisible, ServiceError
from ..roles import Role
from ..ui.views import case_url
from . import services
from .api import content_response
from .models import SignatureMethod
from .signatures import document_sign


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件 File"))
    name = forms.CharField(label=_("文件名（可选） Name (optional)"), max_length=255, required=False)
    previous = forms.IntegerField(label=_("作为新版本替换 New version of"), required=False, widget=forms.Select)


class SignForm(forms.Form):
    role = forms.ChoiceField(label=_("签署身份 Sign as"))
    method = forms.ChoiceField(label=_("方式 Method"), choices=SignatureMethod.choices)
    password = forms.CharField(label=_("密码 Password"), widget=forms.PasswordInput, required=False)
    scan = forms.FileField(label=_("扫描件（PDF/PNG/JPEG） Scan (PDF/PNG/JPEG)"), required=False)
    approved_sha256 = forms.CharField(widget=forms.HiddenInput)


def _meta(request) -> RequestMeta:
    return RequestMeta.from_request(request, "ui")


def _document_or_404(request, pk):
    try:
        return services.get_visible_document(document_id=pk, user=request.user)
    except NotVisible:
        raise Http404 from None


class CaseDocumentsPage(View):
    def _render(self, request, process, case_id, form=None, error="", status=200):
        try:
            docs = services.case_documents(process=process, case_id=case_id, user=request.user)
            case = case_services.get_visible_case(process=process, case_id=case_id, user=request.user)
        except NotVisible:
            raise Http404 from None
        latest = [d for d in docs if not hasattr(d, "next_version")]
        form = form or UploadForm()
        form.fields["previous"].widget.choices = [("", "—")] + [(d.pk, f"{d.name} v{d.version}") for d in latest]
        context = {
            "docs": docs, "form": form, "error": error, "process": process, "case_id": case_id,
            "case_url": case_url(process, case_id), "case_ref": docs[0].case_ref if docs else "",
            # No upload form for a reader the service would refuse (an auditor, a closed case).
            "may_upload": services.may_upload(case, request.user),
        }
        return render(request, "documents/case_documents.html", context, status=status)

    def get(self, request):
        return self._render(request, request.GET.get("process", ""), request.GET.get("case", ""))

    def post(self, request):
        process, case_id = request.GET.get("process", ""), request.GET.get("case", "")
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, process, case_id, form, str(_("输入有误 Invalid input.")), 400)
        try:
            services.document_upload(
                process=process, case_id=case_id, user=request.user, file=form.cleaned_data["file"],
                name=form.cleaned_data["name"] or None, previous_id=form.cleaned_data["previous"], meta=_meta(request),
            )
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            return self._render(request, process, case_id, UploadForm(), exc.detail, exc.status)
        messages.success(request, _("已上传 Uploaded."))
        return redirect(reverse("documents:list") + "?" + urlencode({"process": process, "case": case_id}))


class DocumentPage(View):
    def get(self, request, pk: int, sign_form=None, error="", status=200):
        doc = _document_or_404(request, pk)
        roles = sorted(policy.roles_at(request.user, doc.organisation, own_only=True))
        form = sign_form or SignForm(initial={"approved_sha256": doc.sha256, "method": SignatureMethod.PASSWORD})
        form.fields["role"].choices = [(r, Role(r).label) for r in roles]
        context = {
            "doc": doc,
            "versions": services.version_chain(doc),
            "signatures": doc.signatures.select_related("signer", "scan_document").order_by("signed_at", "pk"),
            "sign_form": form if roles else None,
            "error": error,
            "list_url": reverse("documents:list") + "?" + urlencode({"process": doc.process_key, "case": doc.case_id}),
        }
        return render(request, "documents/document.html", context, status=status)


class DocumentSignPage(View):
    def post(self, request, pk: int):
        doc = _document_or_404(request, pk)
        form = SignForm(request.POST, request.FILES)
        form.fields["role"].choices = [(r, r) for r in Role.values]
        if not form.is_valid():
            return DocumentPage().get(request, pk, error=str(_("输入有误 Invalid input.")), status=400)
        data = form.cleaned_data
        try:
            document_sign(
                document=doc, user=request.user, role=data["role"], method=data["method"],
                password=data["password"] or None, scan=data["scan"], approved_sha256=data["approved_sha256"],
                meta=_meta(request),
            )
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            return DocumentPage().get(request, pk, error=exc.detail, status=exc.status)
        messages.success(request, _("已签署 Signed."))
        return redirect("documents:detail", pk=doc.pk)


class DocumentContentPage(View):
    def get(self, request, pk: int):
        try:
            return content_response(_document_or_404(request, pk))
        except NotVisible:  # the stored file is missing (services.FileMissing, logged there)
            raise Http404 from None


class DocumentDiffPage(View):
    def get(self, request, pk: int, other_pk: int):
        doc = _document_or_404(request, pk)
        other = _document_or_404(request, other_pk)
        try:
            diff = services.document_diff(document=doc, other=other, user=request.user)
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            diff, error = "", exc.detail
        else:
            error = ""
        lines = [
            {"text": line, "kind": "add" if line.startswith("+") else "del" if line.startswith("-") else "ctx"}
            for line in diff.splitlines()
        ]
        return render(
            request, "documents/diff.html", {"doc": doc, "other": other, "lines": lines, "error": error},
            status=400 if error else 200,
        )
