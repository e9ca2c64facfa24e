"""Uploads wait between preview and apply for their uploader alone, and never pile up."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hamkor.uploads import FILE, KEEP_SECONDS, PENDING_PER_USER, UploadStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / 'media'
    return UploadStore('imports')


def upload(number: int = 1):
    return {FILE: SimpleUploadedFile(f'projects-{number}.csv', b'identifier,title_en\nP-1,One\n')}


def test_an_upload_is_its_uploaders_alone(store, make_user):
    owner, other = make_user('secretariat'), make_user('secretariat')

    stored = store.save(upload(), owner=owner)

    assert store.load(stored.token, owner=other) is None
    loaded = store.load(stored.token, owner=owner)
    assert (loaded.files[FILE].read_bytes(), loaded.options) == (b'identifier,title_en\nP-1,One\n', {})


def test_a_user_keeps_only_their_latest_uploads(store, make_user):
    owner, other = make_user('secretariat'), make_user('secretariat')
    theirs = store.save(upload(), owner=other)
    mine = []
    for number in range(PENDING_PER_USER + 2):
        mine.append(store.save(upload(number), owner=owner))
        os.utime(store.root / mine[-1].token, (time.time() - 10 + number, time.time() - 10 + number))

    kept = [stored.token for stored in mine if store.load(stored.token, owner=owner)]
    assert kept == [stored.token for stored in mine[-PENDING_PER_USER:]]
    assert store.load(theirs.token, owner=other) is not None  # another user's uploads are theirs to keep


def test_an_upload_left_for_an_hour_is_removed_by_the_next_one(store, make_user):
    owner = make_user('secretariat')
    old = store.save(upload(), owner=owner)
    past = time.time() - KEEP_SECONDS - 1
    os.utime(store.root / old.token, (past, past))

    store.save(upload(2), owner=make_user('secretariat'))

    assert not (store.root / old.token).exists()
