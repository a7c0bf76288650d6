'use strict';
// The peer of the fullsync-peer benchmark (tests/HubSpotPmoSync.Benchmarks/Sync/FullSyncPeerBenchmark.cs): a first
// full pull written the way HubSpot's official Node client (@hubspot/api-client 14.0.1) shows it in its README —
// `getAll` per object type, associations inline, retries on — reading the same properties and links the product maps
// (config/mappings.json). The native Projects object has no `getAll` helper in the client, so it pages with
// `crm.objects.basicApi.getPage`, the loop `getAll` runs under the hood. Everything is held in memory, as `getAll`
// returns it. Needs EMULATOR_URL and EMULATOR_TOKEN; prints one JSON line with the counts.
const { Client } = require('@hubspot/api-client');

const basePath = process.env.EMULATOR_URL;
const accessToken = process.env.EMULATOR_TOKEN;
if (!basePath || !accessToken) {
  console.error('EMULATOR_URL and EMULATOR_TOKEN must be set');
  process.exit(2);
}

const hubspotClient = new Client({ accessToken, basePath, numberOfApiCallRetries: 3 });

async function getAllProjects(properties, associations) {
  let after;
  let result = [];
  do {
    const page = await hubspotClient.crm.objects.basicApi.getPage('projects', 100, after, properties, undefined, associations, false);
    result = result.concat(page.results);
    after = page.paging && page.paging.next ? page.paging.next.after : undefined;
  } while (after);
  return result;
}

function links(records) {
  let n = 0;
  for (const r of records) {
    for (const a of Object.values(r.associations || {})) n += (a.results || []).length;
  }
  return n;
}

(async () => {
  const started = Date.now();
  const companies = await hubspotClient.crm.companies.getAll(100, undefined, ['name', 'domain', 'industry']);
  const deals = await hubspotClient.crm.deals.getAll(100, undefined,
    ['dealname', 'amount', 'deal_currency_code', 'closedate', 'pipeline', 'dealstage', 'hubspot_owner_id'],
    undefined, ['companies', 'tickets']);
  const tickets = await hubspotClient.crm.tickets.getAll(100, undefined,
    ['subject', 'content', 'hs_ticket_priority', 'hs_pipeline', 'hs_pipeline_stage', 'closed_date', 'createdate'],
    undefined, ['companies']);
  const projects = await getAllProjects(
    ['hs_name', 'project_code', 'hs_pipeline', 'hs_pipeline_stage', 'project_status', 'project_budget', 'project_currency',
      'project_start_date', 'project_due_date', 'project_percent_complete'],
    ['deals', 'companies', 'tickets']);
  console.log(JSON.stringify({
    companies: companies.length,
    deals: deals.length,
    tickets: tickets.length,
    projects: projects.length,
    links: links(deals) + links(tickets) + links(projects),
    seconds: (Date.now() - started) / 1000,
  }));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  if (e && e.body) console.error('body:', typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
  process.exit(1);
});
