from django.conf import settings
from django.db import migrations, models

from zhifa.registry import industries


def codes_from_names(apps, schema_editor):
    """Enterprises whose 行业 is exactly a GB/T 4754 name get its code; one UPDATE per name."""
    Enterprise = apps.get_model("registry", "Enterprise")
    names = Enterprise.objects.exclude(industry="").values_list("industry", flat=True).distinct()
    for name in list(names):
        code = industries.code_for_name(name)
        if code:
            Enterprise.objects.filter(industry=name, industry_code="").update(industry_code=code)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_initial'),
        ('registry', '0004_draw_pool_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='enterprise',
            name='registry_ent_draw_pool',
        ),
        migrations.AddField(
            model_name='enterprise',
            name='industry_code',
            field=models.CharField(blank=True, max_length=2, verbose_name='行业代码'),
        ),
        migrations.RunPython(codes_from_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='enterprise',
            index=models.Index(fields=['credit_grade', 'uscc', 'region', 'industry_code'], name='registry_ent_draw_pool'),
        ),
    ]
