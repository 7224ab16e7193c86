"""Django's model backend, loading the signed-in user with the two profiles every page asks about (the
staff profile for the data scope and the top bar, the resident account for the online hall's top bar) in
the same query, instead of one query each on every request."""

from django.contrib.auth.backends import ModelBackend, UserModel


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            UserModel._default_manager.select_related("staff_profile", "resident").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
