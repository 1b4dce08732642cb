from django.db import migrations, models

from zhifa.registry import industries


def tasks_keep_their_filter(apps, schema_editor):
    """A task's pool stays what it was published as: a blank 行业 meant 不限行业 (its help text
    said so), a 行业 that is a GB/T 4754 name becomes that code. Any other text matched only
    enterprises whose 行业 was exactly that text; it becomes the items' industries."""
    PlanTask = apps.get_model("plans", "PlanTask")
    PlanTask.objects.filter(industry="").update(all_industries=True)
    for task in PlanTask.objects.exclude(industry=""):
        code = industries.code_for_name(task.industry)
        if code:
            task.industries = [code]
            task.save(update_fields=["industries"])


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='inspectionitem',
            name='industries',
            field=models.JSONField(blank=True, default=list, help_text='本事项适用的行业（GB/T 4754-2017 门类或大类）；抽取名录默认限于这些行业。', verbose_name='适用行业'),
        ),
        migrations.AddField(
            model_name='plantask',
            name='all_industries',
            field=models.BooleanField(default=False, help_text='勾选后抽取名录包括抽查范围内所有行业的企业，不再按检查事项的适用行业筛选。', verbose_name='不限行业'),
        ),
        migrations.AddField(
            model_name='plantask',
            name='industries',
            field=models.JSONField(blank=True, default=list, help_text='留空时为所选检查事项适用行业的合集；填写时须在其范围内。', verbose_name='抽取行业'),
        ),
        migrations.RunPython(tasks_keep_their_filter, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='plantask',
            name='industry',
        ),
    ]
