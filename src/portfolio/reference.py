"""Reference data of the portfolio: the cooperation's own sector list."""

from pathlib import Path

from core.models import CodelistItem, ReferenceDataset
from core.reference.loading import DatasetSpec, LoadResult, ReferenceDataError, read_csv, upsert
from portfolio.models import CooperationSector

COLUMNS = ['code', 'name_en', 'name_ru', 'name_zh', 'name_uz', 'dac_code']


def load_cooperation_sectors(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    dac = set(CodelistItem.objects.filter(codelist__name='Sector').values_list('code', flat=True))
    rows, seen = [], set()
    for line, row in read_csv(path, required=COLUMNS):
        where = f'line {line}'
        code = row['code'].strip()
        if not code or not code.replace('_', '').isalnum() or code in seen:
            raise ReferenceDataError(path, where, 'code', f'{code!r} is empty, not a slug, or repeated')
        seen.add(code)
        if not row['name_en'].strip():
            raise ReferenceDataError(path, where, 'name_en', 'empty')
        dac_code = row['dac_code'].strip()
        if dac_code and dac_code not in dac:
            raise ReferenceDataError(path, where, 'dac_code', f'{dac_code} is not a DAC 5-digit sector code')
        rows.append(CooperationSector(code=code, dac_code=dac_code, **{k: row[k].strip() for k in COLUMNS[1:5]}))
    created, updated = upsert(CooperationSector, rows, ['code'], [*COLUMNS[1:]])
    return LoadResult(spec.key, len(rows), created, updated)


DATASETS = (
    DatasetSpec(
        'cooperation-sectors',
        'Sectors of the Uzbekistan–China cooperation',
        'portfolio/cooperation_sectors.csv',
        "Written for Hamkor from the sectors of the press report's package of project proposals",
        "Project's own",
        load_cooperation_sectors,
    ),
)
