from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithRoleBackend(ModelBackend):
    """Loads the signed-in user together with their role: every page asks the access layer
    whether the user is an administrator, which would otherwise cost a query of its own."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("role").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
