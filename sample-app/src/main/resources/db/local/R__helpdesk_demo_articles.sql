-- Demo knowledge-base articles for the local profile (and tests): acme and globex answer the same
-- topics in their own words. Fixed ids, so re-running inserts nothing twice.
-- The owner role is bound by FORCE ROW LEVEL SECURITY like everyone else: the tenant is set first.

select set_config('app.tenant_id', 'acme', true);
insert into travel.helpdesk_article (tenant_id, id, title, body, language) values
    ('acme', 'ed82116d-ff2e-56d1-9733-6f0bf6d123ea', 'Cancelling a booking', 'Acme Travel: To cancel a booking, open the trip and choose Cancel. Cancellations more than 14 days before departure are free; later cancellations cost the deposit. Call the Acme desk for help.', 'english'),
    ('acme', 'f4c84bc7-a714-5f86-b6a6-e9d3c3c2f7ff', 'Changing travel dates', 'Acme Travel: You can change the dates of a booked trip up to 7 days before departure. A change fee applies when the new fare is higher. Call the Acme desk for help.', 'english'),
    ('acme', '50425609-85ba-50d4-809d-b16b1d8ae0c8', 'Baggage allowance', 'Acme Travel: Each traveller may bring one checked bag up to 23 kg and one cabin bag. Extra baggage can be added to the booking online. Call the Acme desk for help.', 'english'),
    ('acme', '33c76fa4-0c6a-5bb0-b07d-1d0fdf5d17e4', 'Refunds', 'Acme Travel: Refunds are paid to the original card within 10 working days after a cancellation is confirmed. Call the Acme desk for help.', 'english'),
    ('acme', 'dad7d484-3534-5c00-8768-a53dd86cf256', 'Travel insurance', 'Acme Travel: Travel insurance covers cancellation for illness, lost baggage and medical costs abroad. Add it when you book. Call the Acme desk for help.', 'english')
on conflict (tenant_id, id) do nothing;

select set_config('app.tenant_id', 'globex', true);
insert into travel.helpdesk_article (tenant_id, id, title, body, language) values
    ('globex', '4194fcc0-79a6-5699-9fe0-69486bb23231', 'Cancelling a booking', 'Globex Journeys: To cancel a booking, open the trip and choose Cancel. Cancellations more than 14 days before departure are free; later cancellations cost the deposit. Globex premium members get priority support.', 'english'),
    ('globex', '9292d5a4-a488-586c-80bc-a8243fdb2882', 'Changing travel dates', 'Globex Journeys: You can change the dates of a booked trip up to 7 days before departure. A change fee applies when the new fare is higher. Globex premium members get priority support.', 'english'),
    ('globex', '44a6e339-d9fd-5216-8ba8-9fca8c38d522', 'Baggage allowance', 'Globex Journeys: Each traveller may bring one checked bag up to 23 kg and one cabin bag. Extra baggage can be added to the booking online. Globex premium members get priority support.', 'english'),
    ('globex', '1b75b782-2877-5614-85b6-76a0a3dd7460', 'Refunds', 'Globex Journeys: Refunds are paid to the original card within 10 working days after a cancellation is confirmed. Globex premium members get priority support.', 'english'),
    ('globex', 'b3cdb2a7-ab33-5cb4-b8ad-a7551a221de9', 'Travel insurance', 'Globex Journeys: Travel insurance covers cancellation for illness, lost baggage and medical costs abroad. Add it when you book. Globex premium members get priority support.', 'english')
on conflict (tenant_id, id) do nothing;

select set_config('app.tenant_id', '', true);
