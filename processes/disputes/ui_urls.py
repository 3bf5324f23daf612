"""Web UI routes of the dispute process, mounted at the site root (``ProcessSpec.ui_urls``)."""

from django.urls import path

from .views import GroupReportPage, ReferralLetterPage

urlpatterns = [
    path("disputes/group-report/", GroupReportPage.as_view(), name="disputes-group-report-page"),
    path("disputes/<int:pk>/referral.pdf", ReferralLetterPage.as_view(), name="disputes-referral-pdf-page"),
]
