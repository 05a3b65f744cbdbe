"""The roles people hold, as Django groups with model permissions.

Administrator: everything, including users. Plan editor: builds and edits plans in the
admin. Action owner, Viewer and Clerk read the pages (owners will record progress on
their own actions, clerks export reports). A person may hold several roles.
`sync_roles()` makes the groups match this table; it is safe to run again.
"""

from django.contrib.auth.models import Group, Permission

ADMINISTRATOR = "Administrator"
PLAN_EDITOR = "Plan editor"
ACTION_OWNER = "Action owner"
VIEWER = "Viewer"
CLERK = "Clerk"

_PLAN_MODELS = ["plan", "statuskeyentry", "section", "objective", "action", "milestone"]
_ALL_MODELS = [
    *_PLAN_MODELS,
    "progressupdate",
    "areafordevelopment",
    "signoff",
    "evidencefile",
    "reportingperiod",
]


_MEASURE_MODELS = ["measure", "target", "datapoint"]
_WORKFORCE_MODELS = ["servicearea", "team", "workforcereturn"]


def _codenames(actions: list[str], models: list[str]) -> list[str]:
    return [f"{action}_{model}" for action in actions for model in models]


# Model permissions open the admin's pages; which objects a plan editor may touch there
# is decided per object by `improvement.permissions` (the plans they are named on).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMINISTRATOR: _codenames(
        ["add", "change", "delete", "view"], _ALL_MODELS + _MEASURE_MODELS + _WORKFORCE_MODELS
    )
    + _codenames(["add", "change", "view"], ["user", "group"])
    + _codenames(["change", "delete", "view"], ["savedcolumnmapping"]),
    PLAN_EDITOR: _codenames(["change", "view"], ["plan"])
    + _codenames(["add", "change", "delete", "view"], [*_PLAN_MODELS[1:], "reportingperiod"])
    + _codenames(["add", "view"], ["progressupdate", "areafordevelopment"])
    + _codenames(["add", "change", "delete", "view"], _MEASURE_MODELS)
    + _codenames(["view"], ["signoff", "evidencefile", "user"])
    + _codenames(["view"], _WORKFORCE_MODELS)
    # The column mappings a document import saved for their plans (made by importing).
    + _codenames(["change", "delete", "view"], ["savedcolumnmapping"]),
    ACTION_OWNER: _codenames(["view"], _ALL_MODELS + _MEASURE_MODELS + _WORKFORCE_MODELS),
    VIEWER: _codenames(["view"], _ALL_MODELS + _MEASURE_MODELS + _WORKFORCE_MODELS),
    CLERK: _codenames(["view"], _ALL_MODELS + _MEASURE_MODELS + _WORKFORCE_MODELS),
}

# Roles whose holders use the admin (Django's is_staff).
STAFF_ROLES = {ADMINISTRATOR, PLAN_EDITOR}


def sync_roles(*, strict: bool = True) -> dict[str, Group]:
    groups = {}
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(
            Permission.objects.filter(
                codename__in=codenames,
                content_type__app_label__in=["improvement", "metrics", "workforce", "auth"],
            )
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing and strict:
            raise LookupError(f"Permissions missing for {name}: {sorted(missing)} (run migrate)")
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """Keep the role groups in step with this table after every migrate. Each app's
    permissions appear after its own migrations, so this runs after each of ours and the
    last run sees them all."""
    if sender.label in {"improvement", "metrics", "workforce"}:
        sync_roles(strict=False)
