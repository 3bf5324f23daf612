"""Error texts shared by the engine; module constants so tests assert them verbatim."""

from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("未找到该案件 Case not found.")
NOT_ALLOWED_IN_STATE = _("当前状态“%(state)s”下不能执行“%(action)s” The action “%(action)s” is not allowed in state “%(state)s”.")
NO_SUCH_TRANSITION = _("没有名为“%(action)s”的操作 There is no action named “%(action)s”.")
NO_ROLE = _("您没有执行此操作所需的角色 You do not hold a role that may do this.")
NOT_THE_ACTOR = _("只有指定的人员可以执行此操作 Only the designated person may do this.")
OWN_CASE = _("不能处理与本人有关的案件 You may not act on your own case.")
STALE_VERSION = _("案件已被他人修改（当前版本 %(current)s，提交版本 %(expected)s），请刷新 The case was changed by someone else (version %(current)s, you sent %(expected)s); reload it.")
CLAIMED_BY_OTHER = _("此步骤已由他人认领 Someone else has claimed this step.")
READ_ONLY = _("只读角色不能执行操作 A read-only role cannot act.")
