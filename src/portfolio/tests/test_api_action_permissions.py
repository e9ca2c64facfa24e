"""Each API action needs the model permission of what it does: recording a status change, a
budget, a document or a relation changes a project; it does not add one. Page and API agree."""

from django.contrib.auth.models import Permission

from portfolio.models import Budget, Project

BUDGET = {
    'type': '1',
    'period_start': '2024-01-01',
    'period_end': '2024-12-31',
    'value': '1000',
    'currency': 'USD',
    'value_date': '2024-01-01',
}


def test_a_change_only_user_changes_the_status_and_adds_a_budget(api_with, make_project):
    project = make_project('P-1')
    api = api_with('change_project')

    status = api.post(f'/api/projects/{project.pk}/status/', {'status': 'negotiation'}, format='json')
    budget = api.post(f'/api/projects/{project.pk}/budgets/', BUDGET, format='json')

    assert (status.status_code, budget.status_code) == (200, 201)
    assert Project.objects.get(pk=project.pk).status == 'negotiation'
    assert Budget.objects.filter(project=project).count() == 1


def test_an_add_only_user_may_not_change_the_status_or_add_a_budget(api_with, make_project):
    project = make_project('P-1')
    api = api_with('add_project')

    status = api.post(f'/api/projects/{project.pk}/status/', {'status': 'negotiation'}, format='json')
    budget = api.post(f'/api/projects/{project.pk}/budgets/', BUDGET, format='json')

    assert (status.status_code, budget.status_code) == (403, 403)
    assert Project.objects.get(pk=project.pk).status == 'proposal'
    assert not Budget.objects.filter(project=project).exists()


def test_the_web_form_agrees_with_the_api_for_a_change_only_user(client, make_user, make_project):
    project = make_project('P-1')
    user = make_user(None)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label='portfolio', codename='change_project')
    )
    client.force_login(user)

    client.post(f'/portfolio/projects/{project.pk}/status/', {'status': 'negotiation', 'reason': ''})

    assert Project.objects.get(pk=project.pk).status == 'negotiation'
