"""The demo scenario of the portfolio, built from the press report.

From the report (cited, not illustrative): the report as a source document; its figures as
announced claims; the sectors of the proposal package as proposal-stage projects without
amounts; the Uzbekistan–Kyrgyzstan–China railway as the flagship project; the proposed joint
centers as organizations with status "proposed"; Chinese financial institutions as
organizations. Everything else — projects with amounts, so that the dashboard has money to
aggregate — is marked illustrative and says so wherever it appears.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core.models import Country, Currency
from hamkor.context import change_context
from hamkor.permissions import SYSTEM
from organizations import services as organization_services
from organizations.choices import OrganizationKind
from organizations.models import Organization
from portfolio import services
from portfolio.choices import (
    BudgetStatus,
    BudgetType,
    FinanceType,
    ParticipantRole,
    ProjectStatus,
    Region,
    TransactionType,
)
from portfolio.models import (
    Budget,
    CooperationSector,
    DocumentLink,
    PlannedDisbursement,
    Project,
)
from sources import services as source_services
from sources.models import Citation, Claim, Confidence, Source

REPORT_KEY = 'trend-2-september'
PARAGRAPH = {
    'portfolio': 'paragraph 1: "The portfolio of joint projects between Uzbekistan and China now exceeds $60 billion"',
    'trade': 'paragraph 3: "the bilateral trade volume between the two nations escalated to $14 billion"',
    'target': 'paragraph 3: "the opportunity to amplify this metric to $20 billion"',
    'centers': 'paragraph 4: "a collaborative Center for Quantum Metrology and a Regional Center for Industrial '
    'Standardization in Uzbekistan has been proposed"',
    'proposals': 'paragraph 5: "a package of new project proposals was formed covering …"',
    'ai': 'paragraph 5: "It was also proposed to create an Uzbek-Chinese center for artificial intelligence"',
    'banks': 'paragraph 6: "deepening of practical cooperation with leading Chinese banking and financial institutions"',
    'railway': 'paragraph 7: "Practical work is underway on the construction of the strategic '
    'Uzbekistan-Kyrgyzstan-China railway"',
}

PROPOSALS = [  # (sector, English, Russian, Chinese, Uzbek)
    ('green_energy', 'Green energy projects', 'Проекты в сфере зелёной энергетики', '绿色能源项目', 'Yashil energetika loyihalari'),
    ('geology', 'Geology projects', 'Проекты в сфере геологии', '地质项目', 'Geologiya loyihalari'),
    ('chemistry', 'Chemical industry projects', 'Проекты в химической промышленности', '化学工业项目', 'Kimyo sanoati loyihalari'),
    ('rare_earths', 'Deep processing of rare earth metals', 'Глубокая переработка редкоземельных металлов',
     '稀土金属深加工', 'Noyob yer metallarini chuqur qayta ishlash'),
    ('coal_chemistry', 'Coal chemistry projects', 'Проекты в углехимии', '煤化工项目', 'Koʻmir kimyosi loyihalari'),
    ('transport', 'Modernization and digitalization of transport infrastructure',
     'Модернизация и цифровизация транспортной инфраструктуры', '交通基础设施现代化和数字化',
     'Transport infratuzilmasini modernizatsiya qilish va raqamlashtirish'),
    ('agriculture_water', 'Agriculture and water management projects', 'Проекты в сельском и водном хозяйстве',
     '农业和水资源管理项目', 'Qishloq va suv xoʻjaligi loyihalari'),
    ('seed_production', 'Seed production projects', 'Проекты в семеноводстве', '种子生产项目', 'Urugʻchilik loyihalari'),
    ('agrivoltaics', 'Agrivoltaics projects', 'Проекты агровольтаики', '农光互补项目', 'Agrovoltaika loyihalari'),
]  # fmt: skip

BANKS = [  # (English, Russian, Chinese, Uzbek, aliases)
    ('China Development Bank', 'Китайский банк развития', '国家开发银行', 'Xitoy taraqqiyot banki', ['CDB']),
    ('Export-Import Bank of China', 'Экспортно-импортный банк Китая', '中国进出口银行', 'Xitoy eksport-import banki',
     ['China Exim Bank', 'CHEXIM']),
    ('Bank of China', 'Банк Китая', '中国银行', 'Xitoy banki', ['BOC']),
    ('Industrial and Commercial Bank of China', 'Промышленный и коммерческий банк Китая', '中国工商银行',
     'Xitoy sanoat va tijorat banki', ['ICBC']),
    ('Silk Road Fund', 'Фонд Шёлкового пути', '丝路基金', 'Ipak yoʻli jamgʻarmasi', []),
]  # fmt: skip

CENTERS = [  # (English, Russian, Chinese, Uzbek, locator)
    ('Center for Quantum Metrology', 'Центр квантовой метрологии', '量子计量中心', 'Kvant metrologiyasi markazi', 'centers'),
    ('Regional Center for Industrial Standardization', 'Региональный центр промышленной стандартизации',
     '区域工业标准化中心', 'Sanoat standartlashtirish mintaqaviy markazi', 'centers'),
    ('Uzbek-Chinese Center for Artificial Intelligence', 'Узбекско-китайский центр искусственного интеллекта',
     '乌中人工智能中心', 'Oʻzbek-xitoy sunʼiy intellekt markazi', 'ai'),
]  # fmt: skip

# Illustrative projects: (identifier, title, status, sector split, region, umbrella parent, transactions)
# Transactions: (type, value, currency, value date, finance type, financier, superseded)
ILLUSTRATIVE = [
    ('ILL-GE-FRAMEWORK', 'Green energy framework agreement', ProjectStatus.AGREEMENT_SIGNED,
     [('green_energy', 100)], Region.NATIONWIDE, True, None,
     [(TransactionType.INCOMING_COMMITMENT, '5000000000', 'USD', '2023-10-18', FinanceType.LOAN, 'China Development Bank', False)]),
    ('ILL-GE-SOLAR-SAM', 'Solar power plant with storage, Samarkand', ProjectStatus.IMPLEMENTATION,
     [('green_energy', 80), ('agrivoltaics', 20)], Region.SAMARKAND, False, 'ILL-GE-FRAMEWORK',
     [(TransactionType.INCOMING_COMMITMENT, '2800000000', 'CNY', '2023-05-10', FinanceType.LOAN, 'China Development Bank', False),
      (TransactionType.DISBURSEMENT, '900000000', 'CNY', '2024-04-02', FinanceType.LOAN, 'China Development Bank', False)]),
    ('ILL-MIN-COPPER', 'Copper concentrate processing line, Navoiy', ProjectStatus.AGREEMENT_SIGNED,
     [('mining', 60), ('geology', 40)], Region.NAVOIY, False, None,
     [(TransactionType.INCOMING_COMMITMENT, '450000000', 'USD', '2024-03-01', FinanceType.LOAN, 'Export-Import Bank of China', False)]),
    ('ILL-CC-GASIFICATION', 'Coal gasification and chemicals feasibility, Surkhandarya', ProjectStatus.NEGOTIATION,
     [('coal_chemistry', 100)], Region.SURKHANDARYA, False, None,
     [(TransactionType.INCOMING_PLEDGE, '300000000', 'USD', '2024-09-12', FinanceType.LOAN, 'Bank of China', True),
      (TransactionType.INCOMING_PLEDGE, '350000000', 'USD', '2025-02-20', FinanceType.LOAN, 'Bank of China', False)]),
    ('ILL-AGR-DRIP', 'Drip irrigation and water management, Fergana valley', ProjectStatus.COMPLETED,
     [('agriculture_water', 100)], Region.FERGANA, False, None,
     [(TransactionType.INCOMING_COMMITMENT, '120000000', 'CNY', '2019-06-03', FinanceType.GRANT, None, False)]),
    ('ILL-TR-SIGNALLING', 'Digital rail signalling, Tashkent junction', ProjectStatus.FINANCING_CLOSED,
     [('transport', 100)], Region.TASHKENT_CITY, False, None,
     [(TransactionType.INCOMING_COMMITMENT, '1200000000000', 'UZS', '2022-11-15', FinanceType.LOAN, 'Industrial and Commercial Bank of China', False),
      (TransactionType.INCOMING_COMMITMENT, '40000000', 'UZS', '2005-03-01', FinanceType.GRANT, None, False)]),
    ('ILL-CHEM-SODA', 'Soda ash plant, Karakalpakstan (cancelled)', ProjectStatus.CANCELLED,
     [('chemistry', 100)], Region.KARAKALPAKSTAN, False, None,
     [(TransactionType.INCOMING_COMMITMENT, '200000000', 'USD', '2021-07-07', FinanceType.LOAN, 'Export-Import Bank of China', False)]),
]  # fmt: skip


# The illustrative projects' titles in Russian, Chinese and Uzbek (the English ones are above)
ILLUSTRATIVE_TITLES = {
    'ILL-GE-FRAMEWORK': ('Рамочное соглашение о зелёной энергетике', '绿色能源框架协议', 'Yashil energetika boʻyicha ramkaviy kelishuv'),
    'ILL-GE-SOLAR-SAM': ('Солнечная электростанция с накопителем, Самарканд', '带储能的太阳能电站（撒马尔罕）',
                         'Energiya toʻplagichli quyosh elektr stansiyasi, Samarqand'),
    'ILL-MIN-COPPER': ('Линия переработки медного концентрата, Навои', '铜精矿加工线（纳沃伊）', 'Mis konsentratini qayta ishlash liniyasi, Navoiy'),
    'ILL-CC-GASIFICATION': ('ТЭО газификации угля и углехимии, Сурхандарья', '煤气化及煤化工可行性研究（苏尔汉河州）',
                            'Koʻmirni gazlashtirish va koʻmir kimyosi TIA, Surxondaryo'),
    'ILL-AGR-DRIP': ('Капельное орошение и управление водными ресурсами, Ферганская долина', '滴灌与水资源管理（费尔干纳盆地）',
                     'Tomchilatib sugʻorish va suv resurslarini boshqarish, Fargʻona vodiysi'),
    'ILL-TR-SIGNALLING': ('Цифровая железнодорожная сигнализация, Ташкентский узел', '数字化铁路信号系统（塔什干枢纽）',
                          'Raqamli temir yoʻl signalizatsiyasi, Toshkent tuguni'),
    'ILL-CHEM-SODA': ('Завод кальцинированной соды, Каракалпакстан (отменён)', '纯碱厂（卡拉卡尔帕克斯坦，已取消）',
                      'Kalsiylangan soda zavodi, Qoraqalpogʻiston (bekor qilingan)'),
}  # fmt: skip


# Planned money and documents of illustrative projects only (they show the budget and document
# sections of the project page; budgets never add to the portfolio value).
# Budgets: (project, type, status, period start, period end, value, currency, value date)
ILLUSTRATIVE_BUDGETS = [
    ('ILL-GE-SOLAR-SAM', BudgetType.ORIGINAL, BudgetStatus.COMMITTED, '2024-01-01', '2024-12-31', '900000000', 'CNY', '2024-01-01'),
    ('ILL-GE-SOLAR-SAM', BudgetType.ORIGINAL, BudgetStatus.INDICATIVE, '2025-01-01', '2025-12-31', '1100000000', 'CNY', '2025-01-01'),
    ('ILL-MIN-COPPER', BudgetType.ORIGINAL, BudgetStatus.INDICATIVE, '2024-04-01', '2025-03-31', '150000000', 'USD', '2024-04-01'),
]  # fmt: skip
# Planned disbursements: (project, period start, period end, value, currency, value date, provider)
ILLUSTRATIVE_PLANNED_DISBURSEMENTS = [
    ('ILL-GE-SOLAR-SAM', '2024-04-01', '2024-06-30', '900000000', 'CNY', '2024-04-01', 'China Development Bank'),
]
# Documents: example.org is reserved for examples, so no real document is implied.
# (project, url, format, title, category, language, date)
ILLUSTRATIVE_DOCUMENTS = [
    ('ILL-GE-SOLAR-SAM', 'https://example.org/illustrative/ILL-GE-SOLAR-SAM/feasibility-study.pdf', 'application/pdf',
     'Feasibility study (illustrative: not a real document)', 'A01', 'en', '2023-03-15'),
    ('ILL-MIN-COPPER', 'https://example.org/illustrative/ILL-MIN-COPPER/loan-agreement-summary.html', 'text/html',
     'Loan agreement summary (illustrative: not a real document)', 'A06', 'en', '2024-03-01'),
]  # fmt: skip


@dataclass
class DemoReport:
    created: int = 0
    existing: int = 0
    illustrative: int = 0


def cite(record, source: Source, locator_key: str, confidence: str = Confidence.MEDIUM) -> None:
    Citation.objects.get_or_create(
        source=source,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        locator=PARAGRAPH[locator_key],
        defaults={'confidence': confidence},
    )


@transaction.atomic
def load_demo_portfolio() -> DemoReport:
    with change_context(channel='import', request_id='demo-portfolio'):
        return _load()


AIDDATA_KEY = 'aiddata-gcdf-3'
# The demo's sources are written in English: their title, publisher and date in the other languages
SOURCE_TRANSLATIONS = {
    REPORT_KEY: {
        'title_ru': 'Портфель совместных проектов Узбекистана и Китая превышает 60 млрд долларов (встреча Шавката '
                    'Мирзиёева и Ли Цяна)',
        'title_zh': '乌中合作项目组合超过600亿美元（沙夫卡特·米尔济约耶夫与李强会见）',
        'title_uz': 'Oʻzbekiston–Xitoy qoʻshma loyihalari portfeli 60 mlrd dollardan oshdi (Shavkat Mirziyoyev va Li '
                    'Syan uchrashuvi)',
        'publisher_ru': 'Агентство Trend со ссылкой на пресс-службу Президента Узбекистана',
        'publisher_zh': 'Trend通讯社，援引乌兹别克斯坦总统新闻处',
        'publisher_uz': 'Trend agentligi, Oʻzbekiston Prezidenti matbuot xizmatiga tayanib',
        'date_text_ru': 'Ташкент, 2 сентября (год в сообщении не указан)',
        'date_text_zh': '塔什干，9月2日（报道未注明年份）',
        'date_text_uz': 'Toshkent, 2-sentabr (xabarda yil koʻrsatilmagan)',
    },
    AIDDATA_KEY: {
        'title_ru': 'Глобальный набор данных о финансировании развития Китаем, версия 3.0 (Узбекистан, по годам)',
        'title_zh': '全球中国发展融资数据集3.0版（乌兹别克斯坦，按年份）',
        'title_uz': 'Xitoyning rivojlanishni moliyalashtirish boʻyicha global maʼlumotlar toʻplami, 3.0-versiya '
                    '(Oʻzbekiston, yillar boʻyicha)',
        'publisher_ru': 'AidData, Колледж Уильяма и Мэри (собрано пакетом odadata)',
        'publisher_zh': 'AidData，威廉与玛丽学院（由 odadata 软件包汇编）',
        'publisher_uz': 'AidData, Uilyam va Meri kolleji (odadata paketi jamlagan)',
    },
}  # fmt: skip


def translate_source(source: Source) -> None:
    """Record the demo's translations of a source where none is recorded yet (also on a source
    loaded before sources had them); a translation someone has entered is kept."""
    missing = {
        name: text for name, text in SOURCE_TRANSLATIONS.get(source.key, {}).items() if not getattr(source, name)
    }
    if missing:
        source_services.update_source(source=source, actor=SYSTEM, **missing)


AIDDATA_FILE = 'portfolio/aiddata_gcdf3_uzbekistan.csv'
# Where the file was taken from, and when (data/PROVENANCE.md); the press report names no address.
AIDDATA_URL = 'https://github.com/milesdwilliams15/odadata'
AIDDATA_ACCESSED = datetime.date(2026, 12, 4)
AIDDATA_CLASSES = (('oda_amt', 'ODA-like'), ('oof_amt', 'OOF-like'), ('vof_amt', 'vague official finance'))


def _independent_count(report: DemoReport) -> None:
    """AidData's count of Chinese official finance committed to Uzbekistan (GCDF 3.0, a real
    dataset, data/PROVENANCE.md): a second, independent figure beside the announced one, with
    its scope; it measures something else (official finance only, committed, to 2021, in
    constant 2021 dollars), so it is never added to the portfolio nor compared with it."""
    text = (settings.REFERENCE_DATA_DIR / AIDDATA_FILE).read_text(encoding='utf-8')
    rows = list(csv.DictReader(io.StringIO(text)))
    by_class = {column: sum(Decimal(row[column]) for row in rows) for column, _label in AIDDATA_CLASSES}
    years = sorted(int(row['year']) for row in rows)
    total = sum(by_class.values())
    source, created = Source.objects.get_or_create(
        key=AIDDATA_KEY,
        defaults={
            'title': "Global Chinese Development Finance Dataset, Version 3.0 (Uzbekistan, by year)",
            'kind': Source.Kind.DATASET,
            'publisher': 'AidData, William & Mary (compiled by the odadata package)',
            'date_text': '2023',
            'url': AIDDATA_URL,
            'accessed_on': AIDDATA_ACCESSED,
            'text': text,
        },
    )  # fmt: skip
    if not created and not source.url:  # loaded before sources had addresses
        source_services.update_source(source=source, actor=SYSTEM, url=AIDDATA_URL, accessed_on=AIDDATA_ACCESSED)
    translate_source(source)
    report.created += created
    report.existing += not created
    parts = '; '.join(f'{label} {by_class[column]:,.2f}' for column, label in AIDDATA_CLASSES)
    _, created = Claim.objects.get_or_create(
        source=source,
        metric=Claim.Metric.OFFICIAL_FINANCE,
        defaults={
            'comparator': Claim.Comparator.EXACTLY,
            'value_usd': total.quantize(Decimal('0.01')),  # the sum of the rows, to the cent
            'period': f'commitments {years[0]}–{years[-1]}, constant 2021 USD',
            'quote': (
                f'Sum of the {len(rows)} yearly rows for Uzbekistan (COW code 704), "recommended for aggregates" '
                f'projects only: {parts} (constant 2021 USD; total {total:,.2f}).'
            ),
            'confidence': Confidence.HIGH,
        },
    )  # fmt: skip
    report.created += created
    report.existing += not created


def _load() -> DemoReport:
    report = DemoReport()
    text = (settings.REFERENCE_DATA_DIR / 'demo/press_report_2_september.txt').read_text(encoding='utf-8')
    source, created = Source.objects.get_or_create(
        key=REPORT_KEY,
        defaults={
            'title': 'Portfolio of joint Uzbekistan–China projects exceeds $60 billion (meeting of Shavkat Mirziyoyev and Li Qiang)',
            'kind': Source.Kind.PRESS_REPORT,
            'publisher': "Trend News Agency, citing the press service of the President of Uzbekistan",
            'date_text': 'Tashkent, September 2 (the year is not stated in the report)',
            'text': text,
        },
    )  # fmt: skip
    translate_source(source)
    report.created += created
    report.existing += not created
    for metric, comparator, value, period, key in (
        (Claim.Metric.PORTFOLIO_VALUE, Claim.Comparator.MORE_THAN, '60000000000', 'as of the report', 'portfolio'),
        (Claim.Metric.TRADE_TURNOVER, Claim.Comparator.ABOUT, '14000000000', 'the preceding fiscal year', 'trade'),
        (Claim.Metric.TRADE_TARGET, Claim.Comparator.TARGET, '20000000000', 'no year stated', 'target'),
    ):
        _, created = Claim.objects.get_or_create(
            source=source,
            metric=metric,
            defaults={
                'comparator': comparator,
                'value_usd': Decimal(value),
                'period': period,
                'quote': PARAGRAPH[key],
                'confidence': Confidence.MEDIUM,
            },
        )
        report.created += created
        report.existing += not created
    _independent_count(report)

    china, uzbekistan = Country.objects.get(iso3='CHN'), Country.objects.get(iso3='UZB')
    organizations = {}
    for name_en, name_ru, name_zh, name_uz, aliases in BANKS:
        organizations[name_en] = _organization(report, source, 'banks', name_en=name_en, name_ru=name_ru,
                                               name_zh=name_zh, name_uz=name_uz, kind='bank', country=china,
                                               aliases=aliases, confidence=Confidence.LOW)  # fmt: skip
    for name_en, name_ru, name_zh, name_uz, key in CENTERS:
        _organization(report, source, key, name_en=name_en, name_ru=name_ru, name_zh=name_zh, name_uz=name_uz,
                      kind='joint_center', status='proposed', country=uzbekistan, aliases=[])  # fmt: skip

    sectors = {sector.code: sector for sector in CooperationSector.objects.all()}
    for index, (code, title_en, title_ru, title_zh, title_uz) in enumerate(PROPOSALS, start=1):
        _project(report, source, 'proposals', identifier=f'UZ-CN-PROPOSAL-{index:02d}', title_en=title_en,
                 title_ru=title_ru, title_zh=title_zh, title_uz=title_uz, sectors=[(sectors[code], Decimal(100))])  # fmt: skip
    _project(report, source, 'ai', identifier='UZ-CN-PROPOSAL-AI', title_en='Uzbek-Chinese center for artificial intelligence',
             title_ru='Узбекско-китайский центр искусственного интеллекта', title_zh='乌中人工智能中心',
             title_uz='Oʻzbek-xitoy sunʼiy intellekt markazi', sectors=[(sectors['artificial_intelligence'], Decimal(100))])  # fmt: skip
    railway = _project(report, source, 'railway', identifier='UZ-KG-CN-RAILWAY', title_en='Uzbekistan–Kyrgyzstan–China railway',
             title_ru='Железная дорога Узбекистан — Кыргызстан — Китай', title_zh='中吉乌铁路',
             title_uz='Oʻzbekiston–Qirgʻiziston–Xitoy temir yoʻli', status=ProjectStatus.IMPLEMENTATION,
             region=Region.NATIONWIDE, sectors=[(sectors['transport'], Decimal(100))],
             description_en='Strategic railway under construction with the involvement of Uzbek contracting '
                            'organizations; agreements on its financing are not recorded here.')  # fmt: skip
    _railway_as_reported(report, railway)

    for identifier, title, status, split, region, umbrella, parent, transactions in ILLUSTRATIVE:
        if Project.objects.filter(identifier=identifier).exists():
            report.existing += 1
            continue
        project = services.create_project(
            actor=SYSTEM,
            identifier=identifier,
            title_en=title,
            **dict(zip(('title_ru', 'title_zh', 'title_uz'), ILLUSTRATIVE_TITLES[identifier], strict=True)),
            region=region,
            is_umbrella=umbrella,
            is_illustrative=True,
            parent=Project.objects.get(identifier=parent) if parent else None,
            sectors=[(sectors[code], Decimal(share)) for code, share in split],
        )
        previous = None
        for kind, value, currency, value_date, finance, financier, superseded in transactions:
            tx = services.add_transaction(
                project=project,
                actor=SYSTEM,
                type=kind,
                value=Decimal(value),
                currency=Currency.objects.get(code=currency),
                value_date=datetime.date.fromisoformat(value_date),
                finance_type=finance,
                provider=organizations.get(financier),
                supersedes=previous if previous is not None and not superseded else None,
            )
            previous = tx if superseded else None
        if status != ProjectStatus.PROPOSAL:
            services.change_status(
                project=project, actor=SYSTEM, status=status, reason='Illustrative record entered at this stage.'
            )
        report.created += 1
        report.illustrative += 1
    _planned_and_documents(report, organizations)
    report.illustrative = Project.objects.filter(is_illustrative=True).count()
    return report


def _planned_and_documents(report, organizations) -> None:
    projects = Project.objects.filter(is_illustrative=True).in_bulk(field_name='identifier')
    currencies = Currency.objects.in_bulk(field_name='code')
    day = datetime.date.fromisoformat
    for identifier, kind, status, start, end, value, currency, value_date in ILLUSTRATIVE_BUDGETS:
        project = projects[identifier]
        if Budget.objects.filter(project=project, type=kind, period_start=day(start)).exists():
            report.existing += 1
            continue
        services.add_budget(project=project, actor=SYSTEM, type=kind, status=status, period_start=day(start),
                            period_end=day(end), value=Decimal(value), currency=currencies[currency], value_date=day(value_date))  # fmt: skip
        report.created += 1
    for identifier, start, end, value, currency, value_date, provider in ILLUSTRATIVE_PLANNED_DISBURSEMENTS:
        project = projects[identifier]
        if PlannedDisbursement.objects.filter(project=project, period_start=day(start)).exists():
            report.existing += 1
            continue
        services.add_planned_disbursement(project=project, actor=SYSTEM, period_start=day(start),
                                          period_end=day(end), value=Decimal(value), currency=currencies[currency],
                                          value_date=day(value_date), provider=organizations[provider])  # fmt: skip
        report.created += 1
    for identifier, url, mime, title, category, language, date in ILLUSTRATIVE_DOCUMENTS:
        project = projects[identifier]
        if DocumentLink.objects.filter(project=project, url=url).exists():
            report.existing += 1
            continue
        services.add_document(project=project, actor=SYSTEM, url=url, format=mime, title_en=title,
                              category=category, language=language, document_date=day(date))  # fmt: skip
        report.created += 1


def _organization(report, source, locator_key, *, aliases, confidence=Confidence.MEDIUM, **values) -> Organization:
    existing = Organization.objects.filter(name_en=values['name_en']).first()
    if existing:
        report.existing += 1
        return existing
    organization = organization_services.create_organization(actor=SYSTEM, aliases=aliases, **values)
    cite(organization, source, locator_key, confidence)
    report.created += 1
    return organization


def _railway_as_reported(report, railway: Project) -> None:
    """What paragraph 7 says of the railway: its three countries (by its name), Uzbek contracting
    organizations taking part (implementing, not named: no name is invented) and construction
    under way (no date given). Added to a railway loaded before these were recorded, too."""
    countries = ('UZB', 'KGZ', 'CHN')  # no shares: the report states none
    records = len(countries) + 2  # and the participant and the milestone
    if railway.countries.exists():
        report.existing += records
        return
    for iso3 in countries:
        services.add_country(project=railway, actor=SYSTEM, country=Country.objects.get(iso3=iso3))
    services.add_participant(
        project=railway, actor=SYSTEM, role=ParticipantRole.IMPLEMENTING, kind=OrganizationKind.CONTRACTOR,
        country=Country.objects.get(iso3='UZB'),
    )  # fmt: skip
    services.add_milestone(
        project=railway, actor=SYSTEM, title='Construction under way, as reported (the report gives no date)'
    )
    report.created += records


def _project(report, source, locator_key, *, identifier, status=ProjectStatus.PROPOSAL, **values) -> Project:
    existing = Project.objects.filter(identifier=identifier).first()
    if existing:
        report.existing += 1
        return existing
    project = services.create_project(actor=SYSTEM, identifier=identifier, **values)
    if status != ProjectStatus.PROPOSAL:
        services.change_status(
            project=project, actor=SYSTEM, status=status, reason=f'As reported: {PARAGRAPH[locator_key]}'
        )
    cite(project, source, locator_key)
    report.created += 1
    return project


def demo_lines() -> list[str]:
    """The `hamkor load-demo` step of the portfolio."""
    report = load_demo_portfolio()
    return [
        f'demo portfolio: {report.created} records created, {report.existing} already present '
        f'({report.illustrative} of the projects are illustrative)'
    ]
