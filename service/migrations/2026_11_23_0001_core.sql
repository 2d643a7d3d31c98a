-- Core schema: regions, the indicator catalogue, documents and figures,
-- fund accounts, loans and bonds, rectification tallies, milestones.
-- Amounts are numeric end to end; asyncpg hands them to Python as Decimal.

create table regions (
    code        text primary key check (code ~ '^[0-9]{6}(-[A-Z0-9]+)*$'),
    name        text not null,
    level       text not null check (level in ('PROVINCE', 'CITY', 'COUNTY')),
    -- DIVISION: a national administrative division (GB/T 2260 code);
    -- ZONE: a statistical zone keyed under its parent (e.g. 360100-CORE for 中心城区).
    kind        text not null check (kind in ('DIVISION', 'ZONE')),
    parent_code text references regions (code),
    check ((level = 'PROVINCE') = (parent_code is null)),
    check (kind = 'ZONE' or code ~ '^[0-9]{6}$')
);
create index regions_parent_idx on regions (parent_code);

-- Other spellings of a region's name (井冈山 = 井冈山市); names are matched after
-- removing white space, so "城 区" needs no alias.
create table region_aliases (
    alias       text primary key,
    region_code text not null references regions (code)
);

create table programmes (
    code       text primary key check (code ~ '^[A-Z][A-Z0-9_]*$'),
    name_zh    text not null unique,
    sort_order int  not null default 0
);

create table indicators (
    id             serial primary key,
    -- Stable public id: PROGRAMME:PHASE:UNIT[:BREAKDOWN]
    code           text not null unique,
    programme_code text not null references programmes (code),
    phase          text not null check (phase in (
                       'START', 'COMPLETION', 'BASIC_COMPLETION', 'RESETTLEMENT_START',
                       'RESETTLEMENT_BASIC_COMPLETION', 'DISBURSEMENT', 'INVESTMENT')),
    unit           text not null check (unit in (
                       'SET', 'SET_OR_ROOM', 'HOUSEHOLD', 'COMMUNITY', 'BUILDING',
                       'TEN_THOUSAND_SQM', 'HUNDRED_MILLION_YUAN', 'TEN_THOUSAND_YUAN')),
    breakdown      text check (breakdown ~ '^[A-Z][A-Z0-9_]*$'),  -- null: the total
    breakdown_zh   text,
    name_zh        text not null,
    sort_order     int  not null default 0,
    unique nulls not distinct (programme_code, phase, unit, breakdown),
    check ((breakdown is null) = (breakdown_zh is null))
);

create table documents (
    id        serial primary key,
    number    text not null unique,          -- 文号, e.g. 赣建保〔2024〕3号
    issuer    text not null,
    title     text not null,
    issued_on date not null,
    region_code text not null references regions (code)   -- the region that issued it
);

create table document_annexes (
    document_id int  not null references documents (id),
    annex       int  not null check (annex > 0),
    title       text not null,
    primary key (document_id, annex)
);

create table figures (
    id           bigserial primary key,
    region_code  text    not null references regions (code),
    year         int     not null check (year between 1990 and 2100),
    indicator_id int     not null references indicators (id),
    -- SUPPLEMENTARY_TARGET: 增补, kept apart from the main target.
    kind         text    not null check (kind in ('TARGET', 'ACTUAL', 'SUPPLEMENTARY_TARGET')),
    value        numeric not null check (value >= 0),
    document_id  int references documents (id),
    annex        int,
    source_line  int,
    revision     int     not null default 1 check (revision > 0),
    updated_at   timestamptz not null default now(),
    unique (region_code, year, indicator_id, kind),
    foreign key (document_id, annex) references document_annexes (document_id, annex)
);
create index figures_indicator_year_idx on figures (indicator_id, year);
create index figures_year_idx on figures (year);

-- Numbers a document states that the service derives itself (rates, balances,
-- totals). Kept to compare with the derivation, never served as the figure.
create table stated_values (
    id          bigserial primary key,
    document_id int     not null,
    annex       int     not null,
    source_line int     not null,
    region_code text    not null references regions (code),
    subject     text    not null,   -- what was stated, e.g. figure-rate:SHANTYTOWN:BASIC_COMPLETION:SET
    value       numeric not null,
    decimals    int     not null check (decimals >= 0),  -- published precision
    is_percent  boolean not null default false,
    unique (document_id, annex, region_code, subject),
    foreign key (document_id, annex) references document_annexes (document_id, annex)
);

create table fund_accounts (
    id              serial primary key,
    region_code     text not null references regions (code),
    year            int  not null check (year between 1990 and 2100),
    source          text not null check (source in ('CENTRAL', 'PROVINCIAL')),
    opening_balance numeric(18, 2),          -- 截至上年末结余
    adjustment      numeric(18, 2),          -- 已统计支付后调整收回
    document_id     int references documents (id),
    annex           int,
    source_line     int,
    updated_at      timestamptz not null default now(),
    unique (region_code, year, source)
);

-- Income and expenditure by category; category is a programme code.
create table fund_flows (
    account_id    int  not null references fund_accounts (id),
    direction     text not null check (direction in ('INCOME', 'EXPENDITURE')),
    category      text not null references programmes (code),
    amount        numeric(18, 2) not null,
    primary key (account_id, direction, category)
);

create table lenders (
    code    text primary key check (code ~ '^[A-Z][A-Z0-9_]*$'),
    name_zh text not null unique,
    short_zh text not null unique
);

create table loan_facilities (
    region_code          text not null references regions (code),
    year                 int  not null check (year between 1990 and 2100),
    lender_code          text not null references lenders (code),
    credit_line          numeric(18, 4),   -- 有效授信, 亿元
    disbursed_cumulative numeric(18, 4),   -- 累计发放
    disbursed_in_year    numeric(18, 4),   -- 当年发放
    document_id          int references documents (id),
    annex                int,
    source_line          int,
    updated_at           timestamptz not null default now(),
    primary key (region_code, year, lender_code)
);

create table bond_issues (
    region_code text not null references regions (code),
    year        int  not null check (year between 1990 and 2100),
    amount      numeric(18, 4) not null check (amount >= 0),  -- 亿元
    document_id int references documents (id),
    annex       int,
    source_line int,
    updated_at  timestamptz not null default now(),
    primary key (region_code, year)
);

create table rectification_campaigns (
    code    text primary key check (code ~ '^[A-Z][A-Z0-9_]*$'),
    name_zh text not null,
    kind    text not null check (kind in ('AUDIT', 'CAMPAIGN')),
    year    int  not null
);

create table rectification_tallies (
    region_code   text not null references regions (code),
    campaign_code text not null references rectification_campaigns (code),
    -- what is counted: audit findings, or a campaign's projects / households
    item          text not null check (item in (
                      'FINDINGS', 'PROJECTS', 'HOUSEHOLDS', 'UNPAID_FEE_HOUSEHOLDS')),
    found         int  not null check (found >= 0),
    rectified     int  not null check (rectified >= 0),
    in_progress   int  check (in_progress >= 0),
    as_of         date not null,
    document_id   int references documents (id),
    annex         int,
    source_line   int,
    updated_at    timestamptz not null default now(),
    primary key (region_code, campaign_code, item),
    check (rectified <= found)
);

create table milestones (
    id             serial primary key,
    document_id    int  not null references documents (id),
    programme_code text not null references programmes (code),
    phase          text not null,
    scope_zh       text not null,      -- which projects the deadline covers
    due_on         date not null,
    required_rate  numeric(7, 2),      -- percent of the target due by then; null = all
    unique (document_id, programme_code, phase, scope_zh, due_on)
);
