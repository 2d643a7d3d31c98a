-- The names people type for a region besides its Chinese name and aliases: pinyin,
-- initials and an English name (service.regions.names computes them at load time).
alter table regions add column pinyin text, add column name_en text;

-- One row per key a lookup matches; `rank` orders the kinds of match, so that the English
-- name or full pinyin (1) wins over the pinyin without the suffix (2) and initials (3):
-- `nanchang` is 南昌市 (Nanchang), not 南昌县 (Nanchang County).
create table region_names (
    key         text not null check (key ~ '^[a-z0-9]+$'),
    region_code text not null references regions (code) on delete cascade,
    rank        smallint not null check (rank between 1 and 3),
    primary key (key, region_code)
);
create index region_names_region_idx on region_names (region_code);
grant select on region_names to anju_app;

-- Programmes' English names (the catalogue's CSV; optional for one added at run time).
alter table programmes add column name_en text;
