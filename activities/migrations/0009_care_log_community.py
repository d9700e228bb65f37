import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    CareLog = apps.get_model("activities", "CareLog")
    Tree = apps.get_model("activities", "Tree")
    CareLog.objects.update(
        community_id=models.Subquery(
            Tree.objects.filter(pk=models.OuterRef("tree_id")).values("community_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0008_card_facts_on_the_row"),
        ("communities", "0006_specialgroup"),
    ]

    operations = [
        migrations.AddField(
            model_name="carelog",
            name="community",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="communities.community",
                verbose_name="community",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="carelog",
            name="community",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="communities.community",
                verbose_name="community",
            ),
        ),
        migrations.AddIndex(
            model_name="carelog",
            index=models.Index(
                fields=["community", "logged_at"],
                include=("tree",),
                name="carelog_community_time",
            ),
        ),
    ]
