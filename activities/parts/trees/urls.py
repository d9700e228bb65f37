"""Tree adoption (绿植领养): staff pages under manage/, the public tree page under trees/."""

from django.urls import path

from activities.parts.trees import views

urlpatterns = [
    # Staff
    path("manage/trees/", views.TreeManageListView.as_view(), name="tree_manage_list"),
    path("manage/trees/new/", views.TreeCreateView.as_view(), name="tree_create"),
    path("manage/trees/labels/", views.TreeLabelsView.as_view(), name="tree_labels"),
    path("manage/trees/<int:pk>/", views.TreeManageView.as_view(), name="tree_manage"),
    path("manage/trees/<int:pk>/edit/", views.TreeUpdateView.as_view(), name="tree_update"),
    path("manage/trees/<int:pk>/adopt/", views.TreeAdoptView.as_view(), name="tree_adopt"),
    path(
        "manage/trees/<int:pk>/end-adoption/",
        views.AdoptionEndView.as_view(),
        name="tree_adoption_end",
    ),
    path("manage/trees/<int:pk>/lost/", views.TreeLostView.as_view(), name="tree_mark_lost"),
    path("manage/trees/<int:pk>/replace/", views.TreeReplaceView.as_view(), name="tree_replace"),
    path(
        "manage/activities/<int:pk>/trees/",
        views.ActivityTreesView.as_view(),
        name="activity_trees",
    ),
    # Public: the page a name tag's QR code opens, and the code itself
    path("trees/<slug:tag_code>/", views.TreePublicView.as_view(), name="tree_public"),
    path("trees/<slug:tag_code>/qr.svg", views.TreeQRCodeView.as_view(), name="tree_qr"),
    path("trees/<slug:tag_code>/care/", views.CareLogCreateView.as_view(), name="care_log_create"),
]
