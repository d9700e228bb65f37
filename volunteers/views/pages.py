"""One template for the simple staff forms: a title, a short explanation, the form, a way back."""

from django.utils.translation import gettext_lazy as _


class FormPageMixin:
    template_name = "volunteers/form_page.html"
    page_title = ""
    page_intro = ""
    submit_label = _("Save")

    def back_url(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.page_title,
            intro=self.page_intro,
            submit_label=self.submit_label,
            back_url=self.back_url(),
            **kwargs,
        )
