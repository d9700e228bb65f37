import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import TrainingProgramme


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ProgrammeFilter(django_filters.FilterSet):
    year = YearFilter(label=_("Year"), min_value=2000, max_value=2100)
    track = django_filters.ChoiceFilter(
        label=_("Programme"), choices=TrainingProgramme.Track.choices
    )

    class Meta:
        model = TrainingProgramme
        fields = ["year", "track"]
