"""API routes of the proposals process, mounted under /api/v1/ (``ProcessSpec.extra["api_urls"]``)."""

from django.urls import path

from .api import ProposalReportAPIView

urlpatterns = [path("proposals/report/", ProposalReportAPIView.as_view(), name="proposals-report")]
