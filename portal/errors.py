"""The portal's friendly error page, shared by its views and the handlers Django calls for 400/403/404."""

from django.shortcuts import render


def error_page(request, status: int, title: str, text: str):
    return render(request, "portal/error.html", {"title": title, "text": text, "status": status}, status=status)
