"""The viewflow Material site: an inbox application and one application per registered process.

Only viewflow's routing shell (Site / Application) is used; every page is our own
view calling the service, so no task can be completed outside it.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application, Site

from .. import registry
from . import assignment, case_list, detail, extensions, views, worklist


class InboxApp(Application):
    title = _("待办 Inbox")
    icon = "inbox"
    app_name = "inbox"
    menu_template_name = "workflow/ui/inbox_menu.html"
    index_path = path("", worklist.InboxView.as_view(), name="index")
    queue_path = path("queue/", worklist.QueueView.as_view(), name="queue")
    archive_path = path("done/", views.ArchiveView.as_view(), name="archive")


class ProcessApp(Application):
    """One registered process: list, create, detail, the action endpoint and the step/restricted-data POSTs."""

    process_key = ""
    icon = "folder_open"
    menu_template_name = "workflow/ui/process_menu.html"
    index_path = None

    def _view(self, view_class):
        return view_class.as_view(process_key=self.process_key)

    @property
    def list_path(self):
        return path("", self._view(case_list.CaseListView), name="index")

    @property
    def create_path(self):
        return path("new/", self._view(views.CaseCreateView), name="create")

    @property
    def detail_path(self):
        return path("<int:pk>/", self._view(detail.CaseDetailView), name="detail")

    @property
    def transition_path(self):
        return path("<int:pk>/do/<str:name>/", self._view(detail.TransitionView), name="transition")

    @property
    def decide_path(self):
        return path("<int:pk>/decide/", self._view(detail.DecisionView), name="decide")

    @property
    def claim_path(self):
        return path("<int:pk>/claim/", self._view(assignment.StepClaimView), name="claim")

    @property
    def release_path(self):
        return path("<int:pk>/release/", self._view(assignment.StepReleaseView), name="release")

    @property
    def reassign_path(self):
        return path("<int:pk>/reassign/", self._view(assignment.StepReassignView), name="reassign")

    @property
    def restricted_path(self):
        return path("<int:pk>/restricted/", self._view(assignment.RestrictedRevealView), name="restricted")

    @property
    def extend_path(self):
        return path(
            "<int:pk>/deadlines/<str:rule_id>/extend/", self._view(extensions.DeadlineExtendView), name="extend"
        )

    @property
    def extension_request_path(self):
        return path(
            "<int:pk>/deadlines/<str:rule_id>/extension-requests/",
            self._view(extensions.ExtensionRequestView),
            name="extension_request",
        )

    @property
    def extension_answer_path(self):
        return path(
            "<int:pk>/extension-requests/<int:request_id>/<str:verb>/",
            self._view(extensions.ExtensionAnswerView),
            name="extension_answer",
        )


class UnionflowSite(Site):
    title = _("工会工作流 unionflow")
    icon = "account_balance"
    app_name = "ui"
    menu_template_name = "workflow/ui/site_menu.html"

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="ui:inbox:index"), name="index")


_SITE: Site | None = None


def build_site() -> Site:
    apps = [InboxApp()]
    for spec in sorted(registry.all_processes(), key=lambda spec: spec.key):
        apps.append(ProcessApp(title=spec.label, app_name=spec.key, process_key=spec.key))
    return UnionflowSite(viewsets=apps)


def get_site() -> Site:
    """Build the site once, after every process has registered its spec (apps are ready)."""
    global _SITE
    if _SITE is None:
        _SITE = build_site()
    return _SITE
