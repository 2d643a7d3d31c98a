-- Rate-limit counters, one row per budget key (read:sub:…, write:sub:…, read:addr:…).
-- Unlogged: counters are worth no WAL, and losing them in a crash only resets budgets.
create unlogged table rate_limits (
    key text primary key,
    window_start timestamptz not null,
    hits integer not null
);

grant select, insert, update on rate_limits to anju_app;
