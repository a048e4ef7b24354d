"""Atom feeds (django.contrib.syndication): region-wide newest, per agency, per agency and 第二十条 item."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from catalog.models import StatutoryItem

from .catalogue import documents_of, public_agencies, public_documents
from .context_processors import load_site_identity

FEED_ITEMS = 30


class _DocumentFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.title

    def item_link(self, item):
        return reverse("portal:document", args=[item.pk])

    def item_guid(self, item):
        # The 索引号 is unique and immutable (the index number rule, docs/law/proactive-disclosure.md §3): a
        # stable id even if the URL scheme changes.
        return f"urn:gongkai:document:{item.index_number or item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        # 发布日期 is the legal date; published_at only supplies the time when it is of that day (an
        # imported catalogue keeps its original dates but was stamped on import).
        if item.published_at and timezone.localtime(item.published_at).date() == item.published_on:
            return item.published_at
        return timezone.make_aware(datetime.combine(item.published_on, time()))

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.publisher.name

    def item_categories(self, item):
        return [c for c in (item.genre.name, item.topic.name if item.topic else None) if c]


class LatestFeed(_DocumentFeed):
    def title(self):
        return f"{load_site_identity().name} · 最新公开信息"

    def link(self):
        return reverse("portal:catalogue")

    def subtitle(self):
        return "本平台各机关最新主动公开的政府信息"

    def items(self):
        return public_documents()[:FEED_ITEMS]


class AgencyFeed(_DocumentFeed):
    def get_object(self, request, code):
        return get_object_or_404(public_agencies(), code=code)

    def title(self, agency):
        return f"{agency.name} · 政府信息公开"

    def link(self, agency):
        return reverse("portal:agency_detail", args=[agency.code])

    def subtitle(self, agency):
        return f"{agency.name}最新主动公开的政府信息"

    def items(self, agency):
        return documents_of(agency)[:FEED_ITEMS]


class AgencyItemFeed(_DocumentFeed):
    def get_object(self, request, code, item):
        if item not in StatutoryItem.values:
            raise Http404("没有这个事项")
        return get_object_or_404(public_agencies(), code=code), StatutoryItem(item)

    def title(self, obj):
        agency, item = obj
        return f"{agency.name} · 第二十条{item.label}"

    def link(self, obj):
        agency, item = obj
        return reverse("portal:agency_item", args=[agency.code, item.value])

    def subtitle(self, obj):
        agency, item = obj
        return f"{agency.name}法定主动公开内容：第二十条{item.label}"

    def items(self, obj):
        agency, item = obj
        return documents_of(agency).filter(statutory_item=item.value)[:FEED_ITEMS]
