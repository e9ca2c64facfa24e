"""An announced or counted figure can be a count of Chinese official finance (AidData), another
measure than the portfolio."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0003_amounts_in_hundredths'),
    ]

    operations = [
        migrations.AlterField(
            model_name='claim',
            name='metric',
            field=models.CharField(choices=[('portfolio_value', 'Portfolio of joint projects'), ('trade_turnover', 'Bilateral trade turnover'), ('trade_target', 'Bilateral trade target'), ('official_finance', 'Chinese official finance committed (independent count)')], max_length=30, verbose_name='metric'),
        ),
    ]
