"""What the page header needs to know about the signed-in person: which entries of the
service navigation their roles can use, and how many updates wait for their sign-off.

The rules are the ones the pages themselves enforce (`improvement.permissions`):

Dashboard, Plans, Actions, Measures, Workforce, Reports   anyone holding a role (each
            reads the plans they may read; everyone who may read a plan may export it)
My actions  holders of the Action owner role (owning or being a delegate counts only with
            it, `improvement.permissions`)
Sign-off    administrators and plan editors named on a plan, with the number waiting
Administration  staff (administrators and plan editors)

Someone signed in without a role sees no entries (every page would be empty for them).
At most one query (the sign-off count, for administrators and plan editors) besides the
roles, which the pages read anyway.
"""

from improvement.permissions import is_action_owner, user_roles
from improvement.sign_off_queue import waiting_count


def records_progress(user) -> bool:
    """Whether "My actions" is for `user`: holders of the Action owner role."""
    return is_action_owner(user)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    has_role = bool(user_roles(user))
    waiting = waiting_count(user) if has_role else None
    return {
        "nav_reads": has_role,
        "nav_my_actions": has_role and records_progress(user),
        "nav_sign_off": waiting is not None,
        "nav_waiting": waiting or 0,
        "nav_admin": user.is_staff,
    }
