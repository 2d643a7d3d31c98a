-- A corrected reissue supersedes the document it reissues, and the records only the
-- first issue gave are withdrawn (docs/decisions/0011-reissues-withdraw.md).
alter table documents add column superseded_by int references documents (id);

-- A withdrawn figure leaves the figures table; its history stays, ending with a revision
-- without a value that names the document withdrawing it. The history therefore outlives
-- the row it describes.
alter table figure_revisions alter column value drop not null;
alter table figure_revisions drop constraint figure_revisions_figure_id_fkey;

create function anju_record_withdrawn_figures() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        insert into figure_revisions (
            figure_id, region_code, year, indicator_id, kind, revision, old_value, value,
            principal, acting_region, reason, request_id, document_id, annex, source_line)
        select o.id, o.region_code, o.year, o.indicator_id, o.kind, o.revision + 1, o.value,
               null, anju_claim('principal'), anju_claim('region'), anju_write_reason(null),
               anju_claim('request_id'),
               (select d.id from documents d where d.number = anju_claim('import')), null, null
        from old_rows o
        order by o.id;
        return null;
    end
    $$;

create trigger figures_history_delete after delete on figures
    referencing old table as old_rows
    for each statement execute function anju_record_withdrawn_figures();
