"""Where domain apps plug into the framework.

The framework names no domain app. Each app registers what it contributes — navigation entries,
the landing page's stories, demo loaders, the files a backup must copy — from its
`AppConfig.ready()`, and its API routes are found by convention in `<app>.api.urls`. A new app
therefore appears in the product without an edit here.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str
    order: int
    permission: str | None = None
    namespaces: tuple[str, ...] = field(default=())  # 'namespace' or 'namespace:url-name-prefix' of its pages

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_visibility_levels: list[Callable] = []


def register_visibility_levels(levels: Callable) -> None:
    """The app that defines the visibility levels of records (public, partners, one side,
    restricted) registers `levels(user) -> list of the levels user may see`."""
    _visibility_levels[:] = [levels]


def visibility_levels(user) -> list[str]:
    """The levels `user` may see; with none registered, only records without a level."""
    return _visibility_levels[0](user) if _visibility_levels else []


@dataclass(frozen=True)
class DemoLoader:
    """A step of `hamkor load-demo`; `load` returns the lines to print about what it did."""

    name: str
    load: Callable[[], list[str]]
    order: int


_navigation: dict[str, NavItem] = {}
_section_namespaces: dict[str, list[str]] = {}
_demo_loaders: dict[str, DemoLoader] = {}


def register_navigation(item: NavItem) -> None:
    _navigation[item.section] = item


def register_navigation_namespace(section: str, namespace: str) -> None:
    """Pages of `namespace` belong to the entry `section` registered by another app."""
    _section_namespaces.setdefault(section, []).append(namespace)


def navigation_items() -> list[NavItem]:
    items = (
        replace(item, namespaces=(*item.namespaces, *_section_namespaces.get(item.section, ())))
        for item in _navigation.values()
    )
    return sorted(items, key=lambda item: item.order)


def register_demo_loader(loader: DemoLoader) -> None:
    _demo_loaders[loader.name] = loader


def demo_loaders() -> list[DemoLoader]:
    return sorted(_demo_loaders.values(), key=lambda loader: loader.order)


@dataclass(frozen=True)
class HomeStory:
    """A headline story an app tells on the landing page: `render(user)` returns its HTML for
    what `user` may see (of the visibility levels it may see, nothing else of the user). The
    landing page caches the stories together (hamkor.pagecache) under their `topics` and the
    `version()` each reads from the database on every request (as its own pages do)."""

    name: str
    render: Callable[[object], str]
    order: int
    topics: tuple[str, ...] = ()
    version: Callable[[], str] = str  # '' by default: the topics say when the story changes


_home_stories: dict[str, HomeStory] = {}


def register_home_story(story: HomeStory) -> None:
    _home_stories[story.name] = story


def home_stories() -> list[HomeStory]:
    return sorted(_home_stories.values(), key=lambda story: story.order)


@dataclass(frozen=True)
class BackupFile:
    """A file under the data directory that a backup copies: `path` relative to DATA_DIR with '/'
    separators; `size` and `sha256` when the database records them (verified as it is copied)."""

    path: str
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class BackupPart:
    """What an app adds to `hamkor backup` and `hamkor restore` (hamkor.backup).

    - `files(using)`: the files under the data directory that the database `using` refers to,
      read in the snapshot the backup took (`using` is the alias of that snapshot). They must not
      change once written, since they are copied after the snapshot.
    - `hold()`: a context manager, entered just before the snapshot and left once the backup is
      done with it (those files copied, the database written); meanwhile the app removes none of
      the files a snapshot may name.
    - `check(data_dir, using, deep=False)`: the problems (one line each) of those files under
      `data_dir` as the database `using` names them; run on the copy a backup made, on a restored
      deployment, and by the app's own command. `deep` reads every byte; otherwise presence and
      sizes suffice.
    """

    name: str
    files: Callable[[str], Iterable[BackupFile]]
    check: Callable[..., list[str]] | None = None
    hold: Callable[[], AbstractContextManager] | None = None


_backup_parts: dict[str, BackupPart] = {}


def register_backup_part(part: BackupPart) -> None:
    _backup_parts[part.name] = part


def unregister_backup_part(name: str) -> None:
    _backup_parts.pop(name, None)


def backup_parts() -> list[BackupPart]:
    return list(_backup_parts.values())


def api_url_modules() -> Iterator[ModuleType]:
    """Each installed app's `api.urls` module, in the order of INSTALLED_APPS."""
    for config in apps.get_app_configs():
        package = find_spec(f'{config.name}.api')
        if package is not None and package.submodule_search_locations and find_spec(f'{config.name}.api.urls'):
            yield import_module(f'{config.name}.api.urls')
