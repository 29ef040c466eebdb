from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Commitment, Meeting


def dashboard(request):
    return HttpResponse("dashboard")


def commitment_list(request):
    return HttpResponse("list")


def commitment_detail(request, pk):
    return HttpResponse(get_object_or_404(Commitment, pk=pk).title)


def meeting_list(request):
    return HttpResponse("meetings")


def meeting_detail(request, pk):
    return HttpResponse(get_object_or_404(Meeting, pk=pk).title)
