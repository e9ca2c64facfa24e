"""Organization and OrganizationAlias now belong to the organizations app (organizations 0001).

Their tables keep their names and rows, so this migration changes the migration state only:
the foreign keys of participants, transactions and planned disbursements point at
organizations.Organization (the same table, the same columns and constraints), then the
portfolio's copies of the two models are removed from the state. The user's organization is
moved first (accounts 0003), so that no model of the state points at a removed one.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('accounts', '0003_user_organization_in_organizations'),
        ('organizations', '0001_initial'),
        ('portfolio', '0004_budgets_planned_disbursements_documents'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='planneddisbursement',
                    name='receiver',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='planned_received', to='organizations.organization', verbose_name='receiver'),
                ),
                migrations.AlterField(
                    model_name='planneddisbursement',
                    name='provider',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='planned_provided', to='organizations.organization', verbose_name='provider'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='provider',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='provided_transactions', to='organizations.organization', verbose_name='financier'),
                ),
                migrations.AlterField(
                    model_name='participant',
                    name='organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='participations', to='organizations.organization'),
                ),
                migrations.DeleteModel(
                    name='OrganizationAlias',
                ),
                migrations.DeleteModel(
                    name='Organization',
                ),
            ],
        ),
    ]
