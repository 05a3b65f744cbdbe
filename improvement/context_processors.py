"""What the page header needs to know about the signed-in person."""

from improvement.permissions import signs_off_anything


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_sign_off": signs_off_anything(user)}
