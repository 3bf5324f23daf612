"""API views for documents and signatures: thin wrappers around the services."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.schema import error_responses
from ..audit import RequestMeta
from ..errors import InvalidInput
from . import services
from .signatures import document_sign
from .sniff import ALLOWED

MISSING_CASE = "请提供 process 与 case 参数 The process and case parameters are required."


def signature_representation(sig) -> dict:
    return {
        "id": sig.pk,
        "signer": sig.signer.get_username(),
        "signer_name": sig.signer.get_full_name() or sig.signer.get_username(),
        "role": sig.role,
        "document_sha256": sig.document_sha256,
        "signed_at": sig.signed_at,
        "method": sig.method,
        "scan_document": sig.scan_document_id,
    }


def document_representation(doc, *, detail: bool = False) -> dict:
    data = {
        "id": doc.pk,
        "process": doc.process_key,
        "case_id": doc.case_id,
        "case_ref": doc.case_ref,
        "name": doc.name,
        "content_type": doc.content_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "version": doc.version,
        "previous": doc.previous_id,
        "uploaded_by": doc.uploaded_by.get_username(),
        "uploaded_at": doc.uploaded_at,
        "content_url": f"/api/v1/documents/{doc.pk}/content/",
    }
    if detail:
        data["versions"] = [{"id": d.pk, "version": d.version, "sha256": d.sha256} for d in services.version_chain(doc)]
        data["signatures"] = [
            signature_representation(s) for s in doc.signatures.select_related("signer").order_by("signed_at", "pk")
        ]
    return data


def _meta(request) -> RequestMeta:
    return RequestMeta.from_request(request, "api")


def _field(request, name: str) -> str | None:
    """One scalar field of the body as text (a JSON list or object body has none)."""
    data = request.data
    value = data.get(name) if hasattr(data, "get") else None
    if value is None or isinstance(value, (dict, list)) or hasattr(value, "read"):
        return None
    return str(value)


def _case_params(request) -> tuple[str, str]:
    process_key = request.query_params.get("process") or _field(request, "process")
    case_id = request.query_params.get("case") or _field(request, "case")
    if not process_key or not case_id:
        raise InvalidInput(MISSING_CASE, fields={"process": [MISSING_CASE], "case": [MISSING_CASE]})
    return process_key, case_id


class DocumentListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="v1_documents_list",
        parameters=[OpenApiParameter("process", str, required=True), OpenApiParameter("case", int, required=True)],
        responses={200: dict, **error_responses("404")},
    )
    def get(self, request):
        process_key, case_id = _case_params(request)
        docs = services.case_documents(process=process_key, case_id=case_id, user=request.user)
        return Response({"count": len(docs), "results": [document_representation(d) for d in docs]})

    @extend_schema(
        parameters=[OpenApiParameter("process", str, required=True), OpenApiParameter("case", int, required=True)],
        request={"multipart/form-data": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "name": {"type": "string"}, "previous": {"type": "integer"},
        }}},
        responses={201: dict},
    )
    def post(self, request):
        process_key, case_id = _case_params(request)
        doc = services.document_upload(
            process=process_key, case_id=case_id, user=request.user, file=request.FILES.get("file"),
            name=_field(request, "name") or None, previous_id=_field(request, "previous") or None, meta=_meta(request),
        )
        return Response(document_representation(doc, detail=True), status=201)


class DocumentDetailView(APIView):
    @extend_schema(responses=dict)
    def get(self, request, pk):
        doc = services.get_visible_document(document_id=pk, user=request.user)
        return Response(document_representation(doc, detail=True))


def content_types_schema() -> dict:
    """A document's content is served with its own type: every type an upload may have (PDF, images…)."""
    from .sniff import ALLOWED

    return {(200, t): bytes for t in ["application/octet-stream", *sorted(set(ALLOWED.values()))]}


def content_response(doc) -> FileResponse:
    """The stored bytes, always as a download: an upload is never rendered inline by the browser."""
    response = FileResponse(services.open_file(doc), as_attachment=True, filename=doc.name, content_type=doc.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class DocumentContentView(APIView):
    # The stored bytes come back with the type they were uploaded as (see sniff.ALLOWED).
    @extend_schema(responses={(200, ct): bytes for ct in ("application/octet-stream", *sorted(set(ALLOWED.values())))})
    def get(self, request, pk):
        return content_response(services.get_visible_document(document_id=pk, user=request.user))


class DocumentDiffView(APIView):
    # 400: the two are not versions of text documents of one case (services.document_diff).
    @extend_schema(responses={200: dict, **error_responses("400")})
    def get(self, request, pk, other_pk):
        doc = services.get_visible_document(document_id=pk, user=request.user)
        other = services.get_visible_document(document_id=other_pk, user=request.user)
        diff = services.document_diff(document=doc, other=other, user=request.user)
        return Response({"from": doc.pk, "to": other.pk, "diff": diff})


class DocumentSignView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "role": {"type": "string"}, "method": {"type": "string", "enum": ["password", "scan"]},
            "password": {"type": "string"}, "approved_sha256": {"type": "string"},
            "scan": {"type": "string", "format": "binary"}, "scan_id": {"type": "integer"},
        }}},
        responses={201: dict},
    )
    def post(self, request, pk):
        doc = services.get_visible_document(document_id=pk, user=request.user)
        scan = request.FILES.get("scan")
        scan_id = _field(request, "scan_id")
        if scan is None and scan_id:
            scan = services.get_visible_document(document_id=scan_id, user=request.user)
        signature = document_sign(
            document=doc, user=request.user, role=_field(request, "role") or "",
            method=_field(request, "method") or "", password=_field(request, "password") or None,
            scan=scan, approved_sha256=_field(request, "approved_sha256") or "", meta=_meta(request),
        )
        return Response(signature_representation(signature), status=201)
