"""TransitionView: the one shape of a workbench button that changes an object's state.

POST only. The object comes from the URL, looked up inside the user's scope (ScopedObjectMixin, so another
agency's object is a 404); the action's form (if it has fields) is bound to the POST; `perform(form, obj)`
calls the owning app's service, which checks the capability (PermissionDenied → 403) and the rules. A
ValidationError from the service becomes the form's errors (apply_validation_error); a refused form is
either re-rendered on the object's page (views whose page shows the form override `render_failure`) or,
by default, shown as messages on the object's page. On success: the action's message and a redirect. Every
action says what happened ("已提交审核，等待××审核", "已发布：《…》"): a subclass sets `success_message` or
overrides `get_success_message`; there is no generic "操作已完成" (orgs/tests/test_transitions.py walks them).

Several buttons behind one URL (a form of buttons with `name="action"`): set `actions` to the
TransitionView per value; an unknown value is refused with a message.

It lives in orgs next to ScopedObjectMixin because the case apps import it and nothing may import the
workbench (gongkai/tests/test_app_graph.py)."""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import View

from .scoping import ScopedObjectMixin
from .views import apply_validation_error


def form_error_messages(form) -> list[str]:
    """A form's errors as plain messages, the form-wide ones first."""
    return [str(m) for m in form.non_field_errors()] + [
        str(m) for field, errors in form.errors.items() if field != "__all__" for m in errors]


class TransitionView(ScopedObjectMixin, View):
    http_method_names = ["post"]
    form_class = None  # None: the action has no fields
    success_message = ""  # what happened, in a sentence; or override get_success_message
    detail_url_name = ""  # the object's page, reversed with its pk
    actions: dict | None = None  # {POST "action" value: TransitionView subclass} for one URL with several buttons

    def get_form_kwargs(self, obj) -> dict:
        return {}

    def get_form(self, obj):
        if self.form_class is None:
            return None
        return self.form_class(self.request.POST, self.request.FILES, **self.get_form_kwargs(obj))

    def perform(self, form, obj):
        """Call the service; what it returns is passed to the success message and URL."""
        raise NotImplementedError

    def get_detail_url(self, obj) -> str:
        return reverse(self.detail_url_name, kwargs={"pk": obj.pk})

    def get_success_url(self, obj, outcome) -> str:
        return self.get_detail_url(obj)

    def get_success_message(self, obj, outcome) -> str:
        if not self.success_message:
            raise ImproperlyConfigured(f"{type(self).__name__}: the action's message says what happened.")
        return self.success_message

    def render_failure(self, obj, form):
        """Default: the errors as messages on the object's page. A page that shows the form overrides this
        to render itself again with the bound form and its errors."""
        for message in form_error_messages(form):
            messages.error(self.request, message)
        return redirect(self.get_detail_url(obj))

    def refuse(self, obj, error: ValidationError):
        """A refusal of an action without fields: its messages on the object's page."""
        for message in error.messages:
            messages.error(self.request, message)
        return redirect(self.get_detail_url(obj))

    def post(self, request, *args, **kwargs):
        if self.actions is not None:
            chosen = self.actions.get(request.POST.get("action", ""))
            if chosen is None:
                return self.refuse(self.get_object(), ValidationError("未知的操作。"))
            return chosen.as_view()(request, *args, **kwargs)
        obj = self.get_object()
        form = self.get_form(obj)
        if form is not None and not form.is_valid():
            return self.render_failure(obj, form)
        try:
            outcome = self.perform(form, obj)
        except ValidationError as error:
            if form is None:
                return self.refuse(obj, error)
            apply_validation_error(form, error)
            return self.render_failure(obj, form)
        messages.success(request, self.get_success_message(obj, outcome))
        for warning in getattr(outcome, "warnings", None) or []:
            messages.warning(request, warning)
        return redirect(self.get_success_url(obj, outcome))
