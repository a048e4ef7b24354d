from django.contrib.auth.views import LoginView, LogoutView
from django.views.generic import TemplateView

from orgs.models import Role
from orgs.scoping import StaffRequiredMixin, is_platform_admin


class StaffLoginView(LoginView):
    """Failed logins are counted by django-axes (settings.AXES_*); a locked pair sees workbench/lockout.html."""

    template_name = "workbench/login.html"
    redirect_authenticated_user = True


class StaffLogoutView(LogoutView):
    http_method_names = ["post", "options"]


class HomeView(StaffRequiredMixin, TemplateView):
    template_name = "workbench/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assignments = list(user.role_assignments.select_related("agency").order_by("agency__path", "role"))
        context["assignments"] = assignments
        context["is_platform_admin"] = is_platform_admin(user)
        context["has_no_role"] = not assignments and not context["is_platform_admin"]
        context["role_labels"] = dict(Role.choices)
        return context
