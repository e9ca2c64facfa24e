"""The HS nomenclature: sections, and the 2017 and 2022 editions."""

from collections import defaultdict
from pathlib import Path

from core.models import (
    HSCode,
    HSSection,
    ReferenceDataset,
)
from core.reference.loading import (
    DatasetSpec,
    LoadResult,
    ReferenceDataError,
    read_csv,
    upsert,
)


def load_hs_sections(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    rows = []
    for line, row in read_csv(path, required=['section', 'name']):
        code, name = row['section'].strip(), row['name'].strip()
        number = roman_to_int(code)
        if number is None:
            raise ReferenceDataError(path, f'line {line}', 'section', f'{code!r} is not a roman numeral I–XXI')
        if not name:
            raise ReferenceDataError(path, f'line {line}', 'name', 'empty')
        rows.append(HSSection(code=code, number=number, name=name[:1].upper() + name[1:]))
    created, updated = upsert(HSSection, rows, ['code'], ['number', 'name'])
    return LoadResult(spec.key, len(rows), created, updated)


ROMAN = {'I': 1, 'V': 5, 'X': 10}


def roman_to_int(text: str) -> int | None:
    if not text or any(char not in ROMAN for char in text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = ROMAN[char]
        total += -value if index + 1 < len(text) and ROMAN[text[index + 1]] > value else value
    return total if 1 <= total <= 21 else None


def hs_loader(edition: str):
    def load(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
        sections = dict(HSSection.objects.values_list('code', 'pk'))
        if not sections:
            raise ReferenceDataError(path, 'file', 'section', 'HS sections must be loaded first')
        by_level: dict[int, list[dict]] = defaultdict(list)
        seen: set[str] = set()
        notes = []
        for line, row in read_csv(path, required=['section', 'hscode', 'description', 'parent', 'level']):
            where = f'line {line}'
            if not any((value or '').strip() for value in row.values()):
                notes.append(f'{where}: blank row ignored')
                continue
            code, level_text = row['hscode'].strip(), row['level'].strip()
            if code == 'TOTAL':
                continue  # the classification's root; the edition itself stands for it
            if level_text not in ('2', '4', '6'):
                raise ReferenceDataError(path, where, 'level', f'expected 2, 4 or 6, got {level_text!r}')
            level = int(level_text)
            if not (code.isdigit() and len(code) == level):
                raise ReferenceDataError(path, where, 'hscode', f'{code!r} is not a {level}-digit code')
            if code in seen:
                raise ReferenceDataError(path, where, 'hscode', f'{code} appears twice')
            seen.add(code)
            expected_parent = 'TOTAL' if level == 2 else code[: level - 2]
            if row['parent'].strip() != expected_parent:
                raise ReferenceDataError(
                    path, where, 'parent', f'expected {expected_parent!r} for {code}, got {row["parent"]!r}'
                )
            section = row['section'].strip()
            if section != 'TOTAL' and section not in sections:
                raise ReferenceDataError(path, where, 'section', f'unknown section {section!r}')
            description = row['description'].strip()
            if not description:
                raise ReferenceDataError(path, where, 'description', 'empty')
            by_level[level].append(
                {
                    'code': code,
                    'description': description,
                    'section_id': sections.get(section),
                    'where': where,
                }
            )
        created = updated = 0
        parents: dict[str, int] = {}
        for level in (2, 4, 6):
            objects = []
            for item in by_level[level]:
                parent_code = item['code'][: level - 2] if level > 2 else None
                if parent_code is not None and parent_code not in parents:
                    raise ReferenceDataError(path, item['where'], 'parent', f'parent {parent_code} is not in the file')
                objects.append(
                    HSCode(
                        edition=edition,
                        code=item['code'],
                        level=level,
                        description=item['description'],
                        section_id=item['section_id'],
                        parent_id=parents.get(parent_code) if parent_code else None,
                    )
                )
            level_created, level_updated = upsert(
                HSCode, objects, ['edition', 'code'], ['level', 'description', 'section', 'parent']
            )
            created, updated = created + level_created, updated + level_updated
            parents.update(HSCode.objects.filter(edition=edition, level=level).values_list('code', 'pk'))
        return LoadResult(spec.key, sum(len(items) for items in by_level.values()), created, updated, notes)

    return load
