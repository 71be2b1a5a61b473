"""The main navigation, by role: what each person needs first, in the order they need it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request

from tacenter.home.layout_parts import kept_url
from tacenter.i18n import gettext as _
from tacenter.vocab import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    args: dict = field(default_factory=dict)
    # Other endpoints under this item (so "Admin" stays current on every admin page).
    prefix: str = ""

    @property
    def url(self) -> str:
        return kept_url(self.endpoint, **self.args)

    @property
    def current(self) -> bool:
        if request.endpoint is None:
            return False
        if self.prefix:
            return request.endpoint.startswith(self.prefix)
        same_args = all(request.args.get(k) == v for k, v in self.args.items())
        return request.endpoint == self.endpoint and same_args and (self.args or not request.args)


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return [NavItem(_("Sign in"), "accounts.login"), NavItem(_("Create an account"), "accounts.register")]
    role = user.role_enum
    items = [NavItem(_("Home"), "home.index")]
    if role == Role.REQUESTER:
        items += [
            NavItem(_("Our requests"), "intake.my_requests"),
            NavItem(_("Request TA"), "intake.new_request"),
            NavItem(_("Events"), "group_ta.event_list", prefix="group_ta."),
        ]
    else:
        items.append(NavItem("Queue", "workflow.queue"))
        if role != Role.LEADERSHIP:  # leadership hold no caseload
            items.append(NavItem("My caseload", "routing.my_caseload"))
        items.append(NavItem("Events", "group_ta.event_list", prefix="group_ta."))
        if role in (Role.LEADERSHIP, Role.LEAD, Role.ADMIN):
            items.append(NavItem("Dashboard", "reports.dashboard", prefix="reports."))
    if role in (Role.LEAD, Role.ADMIN):
        items += [
            NavItem("Triage", "routing.triage"),
            NavItem("Team", "routing.team", prefix="routing.team"),
            NavItem("Profiles", "routing.profile_list", prefix="routing.profile"),
            NavItem("Invite", "invitations.new"),
            NavItem("Mail to sort", "mailin.mail_to_sort"),
            NavItem("Vetting", "registry.pending"),
        ]
    if role == Role.ADMIN:
        items.append(NavItem("Admin", "admin.users", prefix="admin."))
        config = current_app.config
        if config["SHOW_DEV_MAIL"] and not config["MAIL_SERVER"]:
            items.append(NavItem("Sent mail (dev)", "notifications.dev_mail"))
    return items
