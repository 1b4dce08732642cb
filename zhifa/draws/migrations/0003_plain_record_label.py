from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0002_key_format_and_industry_filter"),
    ]

    operations = [
        migrations.AlterField(
            model_name="drawtask",
            name="record_json",
            field=models.TextField(
                blank=True, editable=False, verbose_name="公开记录（可供核验的抽取数据）"
            ),
        ),
    ]
