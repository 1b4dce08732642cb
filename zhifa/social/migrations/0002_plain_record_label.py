from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assignment",
            name="record_json",
            field=models.TextField(editable=False, verbose_name="抽取记录（可供核验的数据）"),
        ),
    ]
