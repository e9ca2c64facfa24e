"""Every write of sources refuses a user without its permission, through any channel, and writes
nothing. A user holding every other permission of the app but the one needed is refused too."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from hamkor.testing.services import assert_refused
from sources import services
from sources.models import Citation, Claim

SOURCES_MODELS = ('sources.Source', 'sources.Claim', 'sources.Citation')


def user_without(make_user, codename):
    """A user holding every permission of the sources app except `codename`."""
    user = make_user(None)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label='sources').exclude(codename=codename))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


WRITES = {
    'add_source': lambda actor, report, cited: services.create_source(
        actor=actor, key='other', title='Other', kind='dataset', publisher='X'
    ),
    'change_source': lambda actor, report, cited: services.update_source(source=report, actor=actor, title='Changed'),
    'add_claim': lambda actor, report, cited: services.create_claim(
        actor=actor,
        source=report,
        metric='trade_target',
        comparator='target',
        value_usd=1,
        quote='q',
        confidence='low',
    ),  # fmt: skip
    'change_claim': lambda actor, report, cited: services.update_claim(
        claim=Claim.objects.get(source=report), actor=actor, quote='changed'
    ),
    'add_citation': lambda actor, report, cited: services.add_citation(
        record=cited['public'], source=report, locator='p. 9', confidence='low', actor=actor
    ),
    'delete_citation': lambda actor, report, cited: services.remove_citation(
        citation=Citation.objects.for_record(cited['public']).get(), actor=actor
    ),
}


@pytest.mark.parametrize('codename', WRITES)
def test_a_user_without_the_permission_is_refused_and_nothing_is_written(codename, make_user, report, cited):
    actor = user_without(make_user, codename)
    assert_refused(lambda: WRITES[codename](actor, report, cited), *SOURCES_MODELS)


@pytest.mark.parametrize('codename', WRITES)
def test_an_anonymous_actor_is_refused(codename, report, cited):
    assert_refused(lambda: WRITES[codename](AnonymousUser(), report, cited), *SOURCES_MODELS)
