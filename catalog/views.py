"""Workbench pages for government information: the queue, drafting, the review steps and publication.
Objects are looked up through the user's scope; every change goes through catalog.services."""

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from audit.models import AuditEntry
from orgs.scoping import (
    Capability,
    ScopedObjectMixin,
    StaffRequiredMixin,
    has_capability,
    holder_names,
    scope_queryset,
    scoped_agencies,
)
from orgs.transitions import TransitionView
from orgs.views import apply_validation_error

from . import pii_review, services
from .attachments import read_upload
from .forms import (
    AttachmentForm,
    DocumentFilterForm,
    DocumentForm,
    InterpretationLinkForm,
    PiiDecisionForm,
    ReasonForm,
    ValidityForm,
)
from .models import INTERPRETATION_GENRE, Document, DocumentStatus, PersonalDataDecision


def visible_documents(user):
    return scope_queryset(Document.objects.select_related("publisher", "genre"), user, Capability.CATALOG_VIEW,
                          "publisher")


class DocumentListView(StaffRequiredMixin, TemplateView):
    capability = Capability.CATALOG_VIEW
    template_name = "catalog/document_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        documents = visible_documents(user)
        form = DocumentFilterForm(self.request.GET or None)
        if form.is_valid():
            data = form.cleaned_data
            if data["q"]:
                documents = documents.filter(Q(title__contains=data["q"]) | Q(document_number__contains=data["q"]))
            if data["status"]:
                documents = documents.filter(status=data["status"])
            if data["kind"]:
                documents = documents.filter(kind=data["kind"])
            if data["mine"]:
                documents = documents.filter(created_by=user)
            if data["late"]:
                documents = documents.filter(
                    Q(publish_deadline_wd__isnull=True, publication_lag_wd__gt=settings.GONGKAI_PROACTIVE_PUBLISH_WD)
                    | Q(publish_deadline_wd__isnull=False, publication_lag_wd__gt=F("publish_deadline_wd")))
        review_scope = scope_queryset(Document.objects.all(), user, Capability.CATALOG_REVIEW, "publisher")
        waiting = (review_scope.filter(status__in=[DocumentStatus.SECRECY_REVIEW, DocumentStatus.REVIEW])
                   .exclude(created_by=user).select_related("publisher").order_by("updated_at")[:50])
        context.update(
            form=form,
            page=Paginator(documents.order_by("-updated_at", "-id"), 50).get_page(self.request.GET.get("page")),
            waiting=waiting,
            my_drafts=Document.objects.filter(created_by=user, status=DocumentStatus.DRAFT).order_by("-updated_at")[:20],
            can_draft=has_capability(user, Capability.CATALOG_DRAFT),
            publish_limit=settings.GONGKAI_PROACTIVE_PUBLISH_WD,
        )
        return context


# The body editor (Tiptap) injects its base stylesheet as a <style> element: allowed on the two form pages only.
# Scripts stay strict: the import map runs under the page's nonce.
EDITOR_CSP = method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")


@EDITOR_CSP
class DocumentCreateView(StaffRequiredMixin, FormView):
    capability = Capability.CATALOG_DRAFT
    template_name = "catalog/document_form.html"
    form_class = DocumentForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        choices = scoped_agencies(self.request.user, Capability.CATALOG_DRAFT).order_by("path")
        kwargs["publisher_choices"] = choices
        # The clerk's own agency: where their role is (the first), when they may draft for it.
        own = choices.filter(role_assignments__user=self.request.user).order_by("role_assignments__granted_at")
        kwargs["default_publisher"] = own.first() or (choices.first() if choices.count() == 1 else None)
        return kwargs

    def form_valid(self, form):
        fields = {name: form.cleaned_data.get(name) for name in services.EDITABLE_FIELDS}
        try:
            outcome = services.create_draft(publisher=form.cleaned_data["publisher"], user=self.request.user,
                                            **fields)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "草稿已保存。")
        for warning in outcome.warnings:
            messages.warning(self.request, warning)
        return redirect("catalog:detail", pk=outcome.document.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="起草政府信息", **kwargs)


class DocumentScopedMixin(ScopedObjectMixin):
    model = Document
    scope_field = "publisher"
    capability = Capability.CATALOG_VIEW

    def get_scope_queryset(self):
        return visible_documents(self.request.user)


class DocumentDetailView(DocumentScopedMixin, TemplateView):
    template_name = "catalog/document_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_object()
        user = self.request.user
        can_review = has_capability(user, Capability.CATALOG_REVIEW, document.publisher)
        can_draft = has_capability(user, Capability.CATALOG_DRAFT, document.publisher)
        is_drafter = document.created_by_id == user.pk
        status = document.status
        findings = pii_review.findings(document) if status not in (
            DocumentStatus.PUBLISHED, DocumentStatus.WITHDRAWN) else []
        context.update(
            document=document,
            can_edit=(status == DocumentStatus.DRAFT and can_draft) or (status in (
                DocumentStatus.SECRECY_REVIEW, DocumentStatus.REVIEW) and can_review),
            can_submit=status == DocumentStatus.DRAFT and can_draft,
            can_secrecy_review=status == DocumentStatus.SECRECY_REVIEW and can_review and not is_drafter,
            can_publish=status == DocumentStatus.REVIEW and can_review and not is_drafter,
            can_return=status in (DocumentStatus.SECRECY_REVIEW, DocumentStatus.REVIEW) and can_review,
            can_withdraw=status == DocumentStatus.PUBLISHED and can_review,
            can_change_validity=status == DocumentStatus.PUBLISHED and can_review,
            can_attach=status not in (DocumentStatus.PUBLISHED, DocumentStatus.WITHDRAWN) and (can_draft or can_review),
            is_interpretation=document.genre.code == INTERPRETATION_GENRE,
            blockers=services.publication_blockers(document) if status == DocumentStatus.REVIEW else [],
            warnings=services.publication_warnings(document),
            reason_form=ReasonForm(),
            validity_form=ValidityForm(replacement_choices=visible_documents(user).filter(
                status=DocumentStatus.PUBLISHED).exclude(pk=document.pk)),
            link_form=InterpretationLinkForm(choices=visible_documents(user).exclude(
                genre__code=INTERPRETATION_GENRE).exclude(pk=document.pk)),
            attachment_form=AttachmentForm(),
            # 保密审查: personal data in the body and the attachments' text, each hit needing a decision.
            pii_findings=findings,
            pii_undecided=sum(1 for f in findings if f.decision is None),
            can_decide_pii=status in (DocumentStatus.SECRECY_REVIEW, DocumentStatus.REVIEW) and can_review
            and not is_drafter,
            pii_decisions=PersonalDataDecision.Decision.choices,
            history=AuditEntry.objects.select_related("actor").filter(object_type="catalog.document", object_id=str(document.pk))
            .order_by("at", "id"),
        )
        return context


@EDITOR_CSP
class DocumentUpdateView(DocumentScopedMixin, FormView):
    template_name = "catalog/document_form.html"
    form_class = DocumentForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Document.objects.get(pk=self.object.pk)
        return kwargs

    def form_valid(self, form):
        changes = {name: form.cleaned_data.get(name) for name in services.EDITABLE_FIELDS}
        try:
            outcome = services.update_draft(self.object, user=self.request.user, **changes)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        for warning in outcome.warnings:
            messages.warning(self.request, warning)
        return redirect("catalog:detail", pk=self.object.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"修改：{self.object.title}", document=self.object, **kwargs)


class DocumentActionView(DocumentScopedMixin, TransitionView):
    """POST-only workflow buttons. Services check the role and the four-eyes rule; a refusal is shown as
    messages on the document's page, and the service's warnings after a success."""

    detail_url_name = "catalog:detail"


class SubmitView(DocumentActionView):
    def get_success_message(self, document, outcome):
        names = holder_names(Capability.CATALOG_REVIEW, document.publisher, exclude=self.request.user)
        return f"已提交保密审查，等待{names or '本机关审核人员'}审查：《{document.title}》。"

    def perform(self, form, document):
        return services.submit(document, user=self.request.user)


class SecrecyReviewView(DocumentActionView):
    def get_success_message(self, document, outcome):
        names = holder_names(Capability.CATALOG_REVIEW, document.publisher, exclude=self.request.user)
        return f"保密审查通过，已转审核，等待{names or '本机关审核人员'}审核发布：《{document.title}》。"

    def perform(self, form, document):
        return services.pass_secrecy_review(document, user=self.request.user)


class ReturnView(DocumentActionView):
    form_class = ReasonForm
    success_message = "已退回起草人。"

    def perform(self, form, document):
        data = form.cleaned_data
        return services.return_to_draft(document, user=self.request.user, reason=data["reason"])


class PublishView(DocumentActionView):
    def get_success_message(self, document, outcome):
        document.refresh_from_db(fields=["index_number"])
        number = f"，索引号 {document.index_number}" if document.index_number else ""
        return f"已发布：《{document.title}》{number}。"

    def perform(self, form, document):
        return services.publish(document, user=self.request.user)


class WithdrawView(DocumentActionView):
    form_class = ReasonForm
    success_message = "已撤回；公众访问该页面将看到“已撤回”。"

    def perform(self, form, document):
        data = form.cleaned_data
        return services.withdraw(document, user=self.request.user, reason=data["reason"])


class ValidityView(DocumentActionView):
    form_class = ValidityForm
    success_message = "有效性已变更。"

    def get_form_kwargs(self, document):
        choices = visible_documents(self.request.user).filter(status=DocumentStatus.PUBLISHED).exclude(pk=document.pk)
        return {"replacement_choices": choices}

    def perform(self, form, document):
        data = form.cleaned_data
        return services.change_validity(document, user=self.request.user, validity=data["validity"], on=data["on"],
                                        replaced_by=data["replaced_by"], note=data["note"])


class InterpretationLinkView(DocumentActionView):
    form_class = InterpretationLinkForm
    success_message = "已关联被解读文件。"

    def get_form_kwargs(self, document):
        choices = visible_documents(self.request.user).exclude(genre__code=INTERPRETATION_GENRE).exclude(pk=document.pk)
        return {"choices": choices}

    def perform(self, form, document):
        data = form.cleaned_data
        return services.link_interpretation(document, [data["document"]], user=self.request.user)


class PiiDecisionView(DocumentActionView):
    form_class = PiiDecisionForm
    success_message = "已记录个人信息审查决定。"

    def perform(self, form, document):
        data = form.cleaned_data
        return pii_review.decide(document, user=self.request.user, source=data["source"], kind=data["kind"],
                                 key=data["key"], decision=data["decision"], note=data["note"])


class AttachmentUploadView(DocumentActionView):
    form_class = AttachmentForm
    success_message = "附件已上传。"

    def perform(self, form, document):
        upload = form.cleaned_data["file"]  # refused by its size before it is read
        return services.add_attachment(document, user=self.request.user, name=upload.name, content=read_upload(upload))
