"""API routes of the proposals process, mounted under /api/v1/ (``ProcessSpec.api_urls``)."""

from django.urls import path

from .api import ProposalFormPDFAPIView, ProposalReportAPIView

urlpatterns = [
    path("proposals/report/", ProposalReportAPIView.as_view(), name="proposals-report"),
    path("proposals/<int:pk>/form.pdf", ProposalFormPDFAPIView.as_view(), name="proposals-form-pdf"),
]
