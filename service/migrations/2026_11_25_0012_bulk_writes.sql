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
