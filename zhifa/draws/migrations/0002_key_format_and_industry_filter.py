from django.db import migrations, models


def drafts_take_the_new_format(apps, schema_editor):
    """Announced and drawn draws keep format 1, the scheme they were announced under; a draft
    has published nothing yet and takes format 2 (RFC 3797 to the letter)."""
    DrawTask = apps.get_model("draws", "DrawTask")
    DrawTask.objects.filter(status="draft").update(key_format=2)


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="drawtask",
            name="industry_filter",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="行业范围"),
        ),
        # Existing draws get 1, the scheme they used; new draws default to 2 below.
        migrations.AddField(
            model_name="drawtask",
            name="key_format",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="密钥串格式版本"
            ),
        ),
        migrations.RunPython(drafts_take_the_new_format, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="drawtask",
            name="key_format",
            field=models.PositiveSmallIntegerField(
                default=2, editable=False, verbose_name="密钥串格式版本"
            ),
        ),
    ]
