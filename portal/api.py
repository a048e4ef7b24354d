"""Read-only JSON API over the public catalogue (/api/v1/). Only public documents (published and 主动公开),
only the catalogue fields: the serialisers below are whitelists, so a new staff-only field on Document
never leaks by default. The OpenAPI 3 description is written by hand below (no extra dependency)."""

import base64
import binascii
from datetime import date

from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from catalog.models import Document, LocalItem, StatutoryItem, Validity
from reports.services import export_json

from .annual_reports import ReportQueryError, chosen_version, report_path, versions_of
from .catalogue import (
    interpretations_of,
    interpreted_by,
    parse_filters,
    public_agencies,
    public_documents,
    public_status,
)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    return response


def _error(status, detail, errors=None):
    body = {"detail": detail}
    if errors:
        body["errors"] = errors
    return _json(body, status=status)


def _iso(value):
    return value.isoformat() if value else None


def _agency_ref(request, agency):
    return {"code": agency.code, "name": agency.name,
            "url": request.build_absolute_uri(reverse("portal:agency_detail", args=[agency.code]))}


def _document_ref(request, document):
    return {"id": document.pk, "index_number": document.index_number, "title": document.title,
            "published_on": _iso(document.published_on),
            "url": request.build_absolute_uri(reverse("portal:document", args=[document.pk])),
            "api_url": request.build_absolute_uri(reverse("portal:api_document", args=[document.pk]))}


def document_summary(request, document) -> dict:
    return {
        **_document_ref(request, document),
        "document_number": document.document_number,
        "summary": document.summary,
        "keywords": document.keywords,
        "kind": {"code": document.kind, "label": document.get_kind_display()},
        "genre": {"code": document.genre.code, "name": document.genre.name},
        "topic": {"code": document.topic.code, "name": document.topic.name} if document.topic_id else None,
        "statutory_item": ({"number": document.statutory_item, "label": StatutoryItem(document.statutory_item).label}
                           if document.statutory_item else None),
        "local_items": [{"code": i, "label": LocalItem(i).label} for i in document.local_items or []
                        if i in LocalItem.values],
        "publisher": _agency_ref(request, document.publisher),
        "written_on": _iso(document.written_on),
        "generated_on": _iso(document.generated_on),
        "validity": {"code": document.validity, "label": document.get_validity_display()},
        "effective_from": _iso(document.effective_from),
        "effective_to": _iso(document.effective_to),
    }


def document_detail_data(request, document) -> dict:
    replacement = document.replaced_by if document.replaced_by_id and document.replaced_by.is_public else None
    return {
        **document_summary(request, document),
        "co_publishers": [_agency_ref(request, a) for a in document.co_publishers.all()],
        "is_policy_document": document.is_policy_document,
        "replaced_by": _document_ref(request, replacement) if replacement else None,
        "interpretations": [_document_ref(request, d) for d in interpretations_of(document)],
        "interprets": [_document_ref(request, d) for d in interpreted_by(document)],
        "attachments": [{"name": a.original_name, "content_type": a.content_type, "size": a.size,
                         "url": request.build_absolute_uri(reverse("portal:attachment", args=[a.pk]))}
                        for a in document.attachments.all()],
        "body_html": document.body,  # sanitised when saved (catalog.sanitising)
    }


def _encode_cursor(document) -> str:
    raw = f"{document.published_on.isoformat()}|{document.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, pk = raw.split("|")
        return date.fromisoformat(day), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


@require_GET
def documents(request):
    """Keyset ("cursor") pagination on (published_on, id): every page costs the same, however deep."""
    filters = parse_filters(request.GET)
    if filters.errors:
        return _error(400, "查询参数有误。", filters.errors)
    raw_size = request.GET.get("page_size", "")
    if raw_size and not (raw_size.isdigit() and 1 <= int(raw_size) <= MAX_PAGE_SIZE):
        return _error(400, f"page_size 应为 1 至 {MAX_PAGE_SIZE} 的整数。")
    size = int(raw_size) if raw_size else DEFAULT_PAGE_SIZE
    queryset = filters.apply(public_documents())
    if cursor := request.GET.get("cursor"):
        position = _decode_cursor(cursor)
        if position is None:
            return _error(400, "cursor 无效。")
        day, pk = position
        queryset = queryset.filter(Q(published_on__lt=day) | Q(published_on=day, pk__lt=pk))
    rows = list(queryset[:size + 1])
    next_url = None
    if len(rows) > size:
        rows = rows[:size]
        params = request.GET.copy()
        params["cursor"] = _encode_cursor(rows[-1])
        next_url = request.build_absolute_uri(f"{reverse('portal:api_documents')}?{params.urlencode()}")
    return _json({"results": [document_summary(request, d) for d in rows], "next": next_url, "page_size": size})


@require_GET
def document(request, key):
    lookup = {"pk": int(key)} if key.isdigit() else {"index_number": key}
    found = Document.objects.select_related("publisher", "genre", "topic", "replaced_by").filter(**lookup).first()
    status = public_status(found) if found else 404
    if status == 410:
        return _error(410, "该信息已被发布机关撤回，不再公开。")
    if status:
        return _error(404, "没有这条公开信息。")
    return _json(document_detail_data(request, found))


@require_GET
def annual_report(request, code, year):
    """A published 政府信息公开工作年度报告's cells in the JSON contract 年报体检 reads (reports.services.export_json):
    the latest published version, or ?version=N. The validator's findings are left out: they compare with
    other years' figures that may not be public."""
    try:
        versions = versions_of(code, year)
        report = chosen_version(versions, request.GET.get("version"))
    except ReportQueryError as exc:
        return _error(400, str(exc))
    except Http404:
        return _error(404, "该年度报告或该版本不存在，或尚未发布。")
    page = report_path(report, version=report != versions[0])
    return _json({**export_json(report, findings=[]), "version": report.version,
                  "latest_version": versions[0].version, "published_on": _iso(report.published_on),
                  "change_note": report.change_note, "url": request.build_absolute_uri(page)})


@require_GET
def agencies(request):
    rows = public_agencies().select_related("parent").order_by("path")
    return _json({"results": [{
        "code": a.code, "name": a.name, "short_name": a.short_name,
        "kind": {"code": a.kind, "label": a.get_kind_display()},
        "level": {"code": a.level, "label": a.get_level_display()},
        "parent": a.parent.code if a.parent_id else None,
        "url": request.build_absolute_uri(reverse("portal:agency_detail", args=[a.code])),
        # The 政府信息公开指南's contact block (条例 第十二条): public by law.
        "contact": {"disclosure_office": a.disclosure_office_name, "address": a.address, "postcode": a.postcode,
                    "phone": a.phone, "fax": a.fax, "email": a.email, "website": a.website,
                    "office_hours": a.office_hours},
    } for a in rows]})


# --- OpenAPI 3 ------------------------------------------------------------------------------------------------

def _param(name, description, schema, required=False, where="query"):
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


FILTER_PARAMETERS = [
    _param("agency", "发布机构编码（含该机构联合发文的信息）", {"type": "string"}),
    _param("topic", "主题分类编码（含下级分类）", {"type": "string"}),
    _param("genre", "体裁分类编码，如 notice、normative、interpretation", {"type": "string"}),
    _param("item", "《条例》第二十条事项序号", {"type": "integer", "minimum": 1, "maximum": 15}),
    _param("local_item", "《条例》第二十一条事项", {"type": "string", "enum": LocalItem.values}),
    _param("year", "发布年份", {"type": "integer"}),
    _param("year_from", "发布年份起", {"type": "integer"}),
    _param("year_to", "发布年份止", {"type": "integer"}),
    _param("validity", "有效性", {"type": "string", "enum": Validity.values}),
]
_REF = {"type": "object", "properties": {
    "id": {"type": "integer"}, "index_number": {"type": "string", "description": "索引号"},
    "title": {"type": "string"}, "published_on": {"type": "string", "format": "date", "description": "发布日期"},
    "url": {"type": "string", "format": "uri"}, "api_url": {"type": "string", "format": "uri"}}}
_CODE_LABEL = {"type": "object", "properties": {"code": {"type": "string"}, "label": {"type": "string"}}}
_CODE_NAME = {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
_AGENCY_REF = {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                                "url": {"type": "string", "format": "uri"}}}
_DATE = {"type": "string", "format": "date", "nullable": True}
_ERROR = {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document(request) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "政府信息公开目录 API", "version": "1.0.0",
                 "description": "只读接口：本平台主动公开的政府信息目录与机构。只返回已发布的主动公开信息；"
                                "已撤回的信息返回 410。"},
        "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
        "paths": {
            "/api/v1/documents/": {"get": {
                "summary": "政府信息列表（按发布日期倒序）", "operationId": "listDocuments",
                "parameters": [*FILTER_PARAMETERS,
                               _param("page_size", f"每页条数，最多 {MAX_PAGE_SIZE}",
                                      {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                                       "default": DEFAULT_PAGE_SIZE}),
                               _param("cursor", "翻页游标：取上一页响应的 next 链接", {"type": "string"})],
                "responses": {"200": {"description": "一页信息", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["results", "next", "page_size"], "properties": {
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentSummary"}},
                        "next": {"type": "string", "format": "uri", "nullable": True,
                                 "description": "下一页地址；没有下一页时为 null"},
                        "page_size": {"type": "integer"}}}}}},
                    "400": _ERROR}}},
            "/api/v1/documents/{key}/": {"get": {
                "summary": "一条政府信息", "operationId": "getDocument",
                "parameters": [_param("key", "信息 id 或索引号", {"type": "string"}, required=True, where="path")],
                "responses": {"200": {"description": "信息详情", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Document"}}}},
                    "404": _ERROR, "410": _ERROR}}},
            "/api/v1/annual-reports/{code}/{year}.json": {"get": {
                "summary": "已发布的政府信息公开工作年度报告的统计数据", "operationId": "getAnnualReport",
                "parameters": [_param("code", "机构编码", {"type": "string"}, required=True, where="path"),
                               _param("year", "报告年度", {"type": "integer"}, required=True, where="path"),
                               _param("version", "版本号；缺省为最新发布的版本", {"type": "integer", "minimum": 1})],
                "responses": {"200": {"description": "年度报告各单元格的数值", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/AnnualReport"}}}},
                    "400": _ERROR, "404": _ERROR}}},
            "/api/v1/agencies/": {"get": {
                "summary": "机构列表（含政府信息公开工作机构联系方式）", "operationId": "listAgencies",
                "responses": {"200": {"description": "全部机构", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"results": {
                        "type": "array", "items": {"$ref": "#/components/schemas/Agency"}}}}}}}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["detail"], "properties": {
                "detail": {"type": "string"}, "errors": {"type": "object", "additionalProperties": {"type": "string"}}}},
            "DocumentRef": _REF,
            "DocumentSummary": {"allOf": [{"$ref": "#/components/schemas/DocumentRef"}, {
                "type": "object", "properties": {
                    "document_number": {"type": "string", "description": "文号"},
                    "summary": {"type": "string", "description": "内容概述"},
                    "keywords": {"type": "string"},
                    "kind": _CODE_LABEL, "genre": _CODE_NAME,
                    "topic": {**_CODE_NAME, "nullable": True},
                    "statutory_item": {"type": "object", "nullable": True, "properties": {
                        "number": {"type": "integer"}, "label": {"type": "string"}}},
                    "local_items": {"type": "array", "items": _CODE_LABEL},
                    "publisher": _AGENCY_REF,
                    "written_on": {**_DATE, "description": "成文日期"},
                    "generated_on": {**_DATE, "description": "生成日期"},
                    "validity": _CODE_LABEL,
                    "effective_from": _DATE, "effective_to": _DATE}}]},
            "Document": {"allOf": [{"$ref": "#/components/schemas/DocumentSummary"}, {
                "type": "object", "properties": {
                    "co_publishers": {"type": "array", "items": _AGENCY_REF},
                    "is_policy_document": {"type": "boolean"},
                    "replaced_by": {"allOf": [{"$ref": "#/components/schemas/DocumentRef"}], "nullable": True},
                    "interpretations": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentRef"},
                                        "description": "解读本文件的政策解读"},
                    "interprets": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentRef"},
                                   "description": "本解读所解读的文件"},
                    "attachments": {"type": "array", "items": {"type": "object", "properties": {
                        "name": {"type": "string"}, "content_type": {"type": "string"},
                        "size": {"type": "integer"}, "url": {"type": "string", "format": "uri"}}}},
                    "body_html": {"type": "string", "description": "正文（已净化的 HTML）"}}}]},
            "AnnualReport": {"type": "object", "properties": {
                "source": {"type": "string"}, "agency": {"type": "string", "description": "机构编码"},
                "year": {"type": "integer"}, "format": {"type": "string", "description": "报告格式"},
                "cells": {"type": "object", "description": "单元格编号 → 数值（金额为十进制字符串）；未填为 null",
                          "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "string"}],
                                                   "nullable": True}},
                "unreadable": {"type": "array", "items": {"type": "string"}},
                "prose_figures": {"type": "array", "items": {"type": "object"}},
                "findings": {"type": "array", "items": {"type": "object"}, "description": "公开接口中为空"},
                "version": {"type": "integer"}, "latest_version": {"type": "integer"},
                "published_on": {"type": "string", "format": "date"},
                "change_note": {"type": "string", "description": "更正说明"},
                "url": {"type": "string", "format": "uri"}}},
            "Agency": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "short_name": {"type": "string"},
                "kind": _CODE_LABEL, "level": _CODE_LABEL, "parent": {"type": "string", "nullable": True},
                "url": {"type": "string", "format": "uri"},
                "contact": {"type": "object", "additionalProperties": {"type": "string"}}}},
        }},
    }


@require_GET
def openapi(request):
    return _json(openapi_document(request))


@require_GET
def index(request):
    return render(request, "portal/api_index.html", {
        "filters": FILTER_PARAMETERS, "max_page_size": MAX_PAGE_SIZE, "default_page_size": DEFAULT_PAGE_SIZE,
    })
