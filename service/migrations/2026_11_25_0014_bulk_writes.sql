-- Bulk writes: one lock per year for an upload, and upload jobs any worker can answer for.

-- A write of a few figures locks each figure (region, year, indicator), under a shared
-- lock of its year; an upload of a whole year's figures takes that year's lock
-- exclusively instead of a million figure locks (which would exhaust the lock table).
create function anju_figure_year_key(year int) returns bigint
    language sql immutable
    as $$ select hashtextextended('figures/' || year, 2260) $$;

create function anju_lock_figures(year int, regions text[], indicators text[]) returns void
    language plpgsql
    as $$
    begin
        perform pg_advisory_xact_lock_shared(anju_figure_year_key(year));
        perform pg_advisory_xact_lock(h)
        from (select distinct hashtextextended(r || '/' || year || '/' || i, 2260) as h
              from unnest(regions, indicators) as k (r, i)
              order by h) s;
    end
    $$;

create function anju_lock_figure_years(years int[]) returns void
    language plpgsql
    as $$
    begin
        perform pg_advisory_xact_lock(anju_figure_year_key(y))
        from (select distinct y from unnest(years) as y order by y) s;
    end
    $$;

-- A long upload runs as a job: its progress is written outside its own transaction,
-- so any worker can answer how far it got.
create table upload_jobs (
    id           uuid primary key,
    principal    text        not null,
    status       text        not null check (status in ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    bytes_total  bigint,
    bytes_done   bigint      not null default 0,
    rows_done    bigint      not null default 0,
    result       jsonb,
    problem      jsonb,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index upload_jobs_principal_idx on upload_jobs (principal, created_at);

grant select, insert, update on upload_jobs to anju_app;

-- Row-level security asks, for every row written, whether the caller's region is an
-- ancestor of the row's region. A recursive walk up the tree per row cost ~0.2 ms, most
-- of a bulk write; a closure table (region, each ancestor) answers it by its index.
-- A new region adds its parent's ancestors; a region moved elsewhere (rare) rebuilds all.
create table region_ancestors (
    code     text not null references regions (code) on delete cascade,
    ancestor text not null references regions (code) on delete cascade,
    primary key (code, ancestor)
);
grant select on region_ancestors to anju_app;

create function anju_rebuild_region_ancestors() returns void
    language sql security definer set search_path = public
    as $$
        delete from region_ancestors;
        insert into region_ancestors (code, ancestor)
        with recursive up (code, ancestor) as (
            select code, parent_code from regions where parent_code is not null
            union all
            select up.code, r.parent_code from up join regions r on r.code = up.ancestor
            where r.parent_code is not null)
        select code, ancestor from up;
    $$;

create function anju_region_ancestors_insert() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        if new.parent_code is not null then
            insert into region_ancestors (code, ancestor)
            select new.code, new.parent_code
            union
            select new.code, a.ancestor from region_ancestors a where a.code = new.parent_code;
        end if;
        return null;
    end
    $$;

create function anju_region_ancestors_moved() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        perform anju_rebuild_region_ancestors();
        return null;
    end
    $$;

create trigger regions_ancestors_insert after insert on regions
    for each row execute function anju_region_ancestors_insert();
create trigger regions_ancestors_moved after update on regions
    for each row when (old.parent_code is distinct from new.parent_code)
    execute function anju_region_ancestors_moved();

select anju_rebuild_region_ancestors();

create or replace function anju_is_ancestor(ancestor text, code text, strict boolean) returns boolean
    language sql stable
    as $$
        select ($1 = $2 and not $3)
            or exists (select 1 from region_ancestors a where a.code = $2 and a.ancestor = $1)
    $$;

-- The API reads both: a write to either advances the data version (the response cache).
select anju_track_data_version('upload_jobs'::regclass);
select anju_track_data_version('region_ancestors'::regclass);
