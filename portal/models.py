from django.core.validators import RegexValidator
from django.db import models


class Site(models.Model):
    """政府网站: the region's portal (is_portal) and, later, sub-sites. Holds the identity codes that the
    footer shows on every page (国办发〔2017〕47号; the footer identity rule, docs/law/web.md §1)."""

    name = models.CharField("网站名称", max_length=100)
    is_portal = models.BooleanField("门户网站", default=True)
    agency = models.ForeignKey("orgs.Agency", verbose_name="主办单位", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="sites")
    contact = models.CharField("联系方式", max_length=200, blank=True)
    # The observed format (10 digits, or "bm" + 8 digits) is UNVERIFIED: checked as a warning only.
    site_id_code = models.CharField("政府网站标识码", max_length=20, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=60, blank=True)
    police_record_number = models.CharField("公安机关备案号", max_length=60, blank=True)
    party_gov_site_badge = models.BooleanField("显示党政机关网站标识", default=True)

    class Meta:
        verbose_name = "网站"
        verbose_name_plural = "网站"

    def __str__(self) -> str:
        return self.name

    site_id_code_pattern = RegexValidator(r"^(\d{10}|bm\d{8})$")

    @property
    def site_id_code_looks_valid(self) -> bool:
        try:
            self.site_id_code_pattern(self.site_id_code)
        except Exception:
            return False
        return True


class DisclosureGuide(models.Model):
    """政府信息公开指南 (条例 第十二条; the guide contents rule, docs/law/proactive-disclosure.md §3). The
    contact block is the Agency's own fields, so it is edited in one place; this record holds the prose.
    Without one, the portal shows default text."""

    agency = models.OneToOneField("orgs.Agency", verbose_name="机构", on_delete=models.CASCADE,
                                  related_name="disclosure_guide")
    intro = models.TextField("概述", blank=True)
    classification = models.TextField("信息分类和编排体系", blank=True)
    access_methods = models.TextField("获取方式", blank=True)
    # 政府信息公开制度 column: chosen by the office, since no metadata distinguishes these documents.
    system_documents = models.ManyToManyField("catalog.Document", verbose_name="政府信息公开制度文件", blank=True,
                                              related_name="+")
    updated_at = models.DateTimeField("最近更新", auto_now=True)

    class Meta:
        verbose_name = "政府信息公开指南"
        verbose_name_plural = "政府信息公开指南"

    def __str__(self) -> str:
        return f"{self.agency}政府信息公开指南"
