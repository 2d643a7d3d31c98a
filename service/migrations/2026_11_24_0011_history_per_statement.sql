-- Figure history written once per statement from its transition tables, not once per
-- row: a bulk write of 100,000 values runs one insert into the history, not 100,000.
-- (A trigger with transition tables takes one event, hence one for insert, one for update.)
drop trigger figures_history on figures;
drop function anju_record_figure_revision();

create function anju_record_inserted_figures() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        insert into figure_revisions (
            figure_id, region_code, year, indicator_id, kind, revision, old_value, value,
            principal, acting_region, reason, request_id, document_id, annex, source_line)
        select n.id, n.region_code, n.year, n.indicator_id, n.kind, n.revision, null, n.value,
               anju_claim('principal'), anju_claim('region'), anju_write_reason(n.document_id),
               anju_claim('request_id'), n.document_id, n.annex, n.source_line
        from new_rows n
        order by n.id;
        return null;
    end
    $$;

create function anju_record_updated_figures() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        insert into figure_revisions (
            figure_id, region_code, year, indicator_id, kind, revision, old_value, value,
            principal, acting_region, reason, request_id, document_id, annex, source_line)
        select n.id, n.region_code, n.year, n.indicator_id, n.kind, n.revision, o.value, n.value,
               anju_claim('principal'), anju_claim('region'), anju_write_reason(n.document_id),
               anju_claim('request_id'), n.document_id, n.annex, n.source_line
        from new_rows n
        join old_rows o on o.id = n.id
        where o.value is distinct from n.value
        order by n.id;
        return null;
    end
    $$;

create trigger figures_history_insert after insert on figures
    referencing new table as new_rows
    for each statement execute function anju_record_inserted_figures();

create trigger figures_history_update after update on figures
    referencing old table as old_rows new table as new_rows
    for each statement execute function anju_record_updated_figures();
