from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernancePortalConfig(AppConfig):
    name = "governance_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from governance_portal import audit, pagecache
        from governance_portal.dashboards import daily

        audit.connect()
        pagecache.connect()
        daily.connect()
