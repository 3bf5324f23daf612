"""API routes of the dispute process, mounted under /api/v1/ (``ProcessSpec.api_urls``)."""

from django.urls import path

from .api import GroupReportAPIView, ReferralLetterAPIView

urlpatterns = [
    path("disputes/group-report/", GroupReportAPIView.as_view(), name="disputes-group-report"),
    path("disputes/<int:pk>/referral.pdf", ReferralLetterAPIView.as_view(), name="disputes-referral-pdf"),
]
