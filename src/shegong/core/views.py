from django.http import HttpResponse


def not_found(request, exception=None):
    return HttpResponse("未找到", status=404)


def server_error(request):
    return HttpResponse("服务器错误", status=500)
