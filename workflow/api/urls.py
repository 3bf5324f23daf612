"""API routes: fixed engine endpoints, then the same five per registered process."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .. import registry
from . import assignment_views, extension_views, index, views

app_name = "api"


def transition_patterns(spec):
    """One route per transition a client may call, so the schema gives each its own typed body.

    They serve exactly as the generic ``transitions/<name>/`` route after them (same view, the
    name passed as the URL's argument); that route remains for names outside the registry.
    """
    return [
        path(
            f"v1/{spec.key}/<int:pk>/transitions/{name}/",
            views.CasePerformView.as_view(process_key=spec.key, transition_name=name),
            {"name": name},
            name=f"{spec.key}-perform-{name}",
        )
        for name, tspec in spec.transitions.items()
        if not tspec.system_only
    ]


def process_patterns():
    patterns = []
    for spec in registry.all_processes():
        key = spec.key
        kw = {"process_key": key}
        if spec.api_urls:
            # A process's own endpoints (reports, PDFs) come before the generic ones.
            patterns.append(path("v1/", include(spec.api_urls)))
        patterns += [
            path(f"v1/{key}/", views.CaseListView.as_view(**kw), name=f"{key}-list"),
            path(f"v1/{key}/<int:pk>/", views.CaseDetailView.as_view(**kw), name=f"{key}-detail"),
            path(f"v1/{key}/<int:pk>/transitions/", views.CaseTransitionsView.as_view(**kw), name=f"{key}-transitions"),
            *transition_patterns(spec),
            path(
                f"v1/{key}/<int:pk>/transitions/<str:name>/",
                views.CasePerformView.as_view(**kw),
                name=f"{key}-perform",
            ),
            path(f"v1/{key}/<int:pk>/history/", views.CaseHistoryView.as_view(**kw), name=f"{key}-history"),
            path(
                f"v1/{key}/<int:pk>/restricted/",
                assignment_views.RestrictedReadView.as_view(**kw),
                name=f"{key}-restricted",
            ),
            path(f"v1/{key}/<int:pk>/claim/", assignment_views.StepClaimView.as_view(**kw), name=f"{key}-claim"),
            path(f"v1/{key}/<int:pk>/release/", assignment_views.StepReleaseView.as_view(**kw), name=f"{key}-release"),
            path(
                f"v1/{key}/<int:pk>/reassign/", assignment_views.StepReassignView.as_view(**kw), name=f"{key}-reassign"
            ),
            path(
                f"v1/{key}/<int:pk>/deadlines/<str:rule_id>/extend/",
                extension_views.DeadlineExtendView.as_view(**kw),
                name=f"{key}-deadline-extend",
            ),
            path(
                f"v1/{key}/<int:pk>/deadlines/<str:rule_id>/extension-requests/",
                extension_views.ExtensionRequestCreateView.as_view(**kw),
                name=f"{key}-extension-request",
            ),
            path(
                f"v1/{key}/<int:pk>/extension-requests/",
                extension_views.ExtensionRequestListView.as_view(**kw),
                name=f"{key}-extension-requests",
            ),
        ]
    return patterns


urlpatterns = [
    path("", index.ApiIndexView.as_view(), name="index"),
    path("v1/", index.ApiIndexView.as_view(), name="index-v1"),
    path("v1/", include("workflow.notifications.api_urls")),
    path("v1/", include("workflow.documents.api_urls")),
    path("v1/", include("workflow.votes.api_urls")),
    path("v1/", include("workflow.calendar.api_urls")),
    path("v1/", include("workflow.api.delegations")),
    path("v1/", include("workflow.api.audit_exports")),
    path("v1/", include("workflow.api.audit_search")),
    path("v1/", include("workflow.api.dossier")),
    path(
        "v1/extension-requests/<str:request_id>/consent/",
        extension_views.ExtensionConsentView.as_view(),
        name="extension-request-consent",
    ),
    path(
        "v1/extension-requests/<str:request_id>/decline/",
        extension_views.ExtensionDeclineView.as_view(),
        name="extension-request-decline",
    ),
    path(
        "v1/extension-requests/<str:request_id>/withdraw/",
        extension_views.ExtensionWithdrawView.as_view(),
        name="extension-request-withdraw",
    ),
    path("v1/inbox/", views.InboxView.as_view(), name="inbox"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]; a browser is sent to the login
    # page). The split view loads its start-up script as a file: the CSP allows no inline script.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    *process_patterns(),
]
