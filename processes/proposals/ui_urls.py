"""Web UI routes of the proposals process, mounted at the site root (``ProcessSpec.ui_urls``)."""

from django.urls import path

from .views import ProposalFormPDFPage, ProposalReportPage

urlpatterns = [
    path("proposals/report/", ProposalReportPage.as_view(), name="proposals-report-page"),
    path("proposals/<int:pk>/form.pdf", ProposalFormPDFPage.as_view(), name="proposals-form-pdf-page"),
]
