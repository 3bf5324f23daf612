"""``GET /api/v1/<process>/<id>/dossier.zip``: a case's verifiable dossier (see :mod:`workflow.audit.dossier`).

One route for every registered process; an unknown process or a case the caller may not see is 404.
The case page links here (the session authenticates the browser).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from .. import messages, registry
from ..audit.dossier import build_dossier
from ..errors import NotVisible


class CaseDossierView(APIView):
    @extend_schema(operation_id="v1_case_dossier", responses={(200, "application/zip"): bytes})
    def get(self, request, process: str, pk: int):
        spec = registry.get(process)
        if spec is None:
            raise NotVisible(str(messages.NOT_FOUND))
        case, content = build_dossier(process=spec, case_id=pk, user=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="dossier-{case.reference}.zip"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


urlpatterns = [path("<str:process>/<int:pk>/dossier.zip", CaseDossierView.as_view(), name="case-dossier")]
