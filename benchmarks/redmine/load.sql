-- The load benchmark's data set, as Redmine issues: 10,000 issues in one project, about two
-- thirds open, owners skewed like the tracker's, and 100,000 journal notes that repeat the phrases
-- officers write (the search phrase "working-level consultations" in the descriptions and notes).
-- Issue 1 has 1,000 journal entries and issue 2 has 24, like the tracker's first two commitments.
-- Run after setup.rb (project 1, user "manager", officers officer1 … officer140).
begin;
delete from journals;
delete from issues;
insert into issues (id, tracker_id, project_id, subject, description, due_date, status_id,
                    assigned_to_id, priority_id, author_id, lock_version, created_on, updated_on,
                    start_date, done_ratio, is_private, root_id, lft, rgt)
select g, 1 + g % 3, (select id from projects where identifier = 'japan-us'),
  (array['Expand cooperation on', 'Hold working-level consultations on', 'Coordinate positions on',
         'Strengthen the alliance''s', 'Launch a joint study of', 'Deepen dialogue on'])[1 + g % 6]
  || ' ' ||
  (array['extended deterrence', 'economic security', 'critical minerals', 'space cooperation',
         'supply chains', 'cyber defence', 'maritime security', 'clean energy', 'semiconductors',
         'people-to-people exchange'])[1 + (g / 7) % 10] || ' #' || g,
  'Agreed at the meeting of ' || (date '2023-01-01' + (g % 1000)) || '. The Ministers confirmed '
  || case when g % 5 = 0 then 'the importance of working-level consultations and ' else '' end
  || 'instructed their departments to proceed.',
  date '2024-01-01' + (g % 900),
  case when g % 3 = 0 then 5 else 1 + g % 4 end,
  (select min(id) from users where login like 'officer%')
    + (case when g % 5 = 0 then g % 5 else g % 140 end),
  2, (select id from users where login = 'manager'), 0,
  now() - (g || ' minutes')::interval, now() - ((g % 5000) || ' minutes')::interval,
  date '2023-01-01' + (g % 1000), 0, false, g, 1, 2
from generate_series(1, 10000) g;
select setval('issues_id_seq', 10000);
insert into journals (journalized_id, journalized_type, user_id, notes, created_on, private_notes)
select case when g <= 1000 then 1 when g <= 1024 then 2 else 3 + (g * 7919) % 9998 end,
  'Issue', (select min(id) from users where login like 'officer%') + g % 140,
  (array['Raised at the working-level consultations in Tokyo; both sides to report back.',
         'Draft text exchanged; awaiting comments from the U.S. side.',
         'Discussed in the sub-cabinet meeting; no change.',
         'Target date moved after the ministerial.',
         'Status reviewed at the weekly meeting.'])[1 + g % 5],
  now() - ((100000 - g) || ' minutes')::interval, false
from generate_series(1, 100000) g;
commit;
analyze;
