'use strict';
// Records and links written with HubSpot's official Node client (@hubspot/api-client 14.0.1, which speaks the legacy
// /crm/v3 and /crm/v4 paths) read back through the date-versioned family (/crm/objects/2026-03/..., dated batch read,
// dated association batch read) with plain fetch, and compared with what the official client reads. Run by
// tests/HubSpotPmoSync.Emulator.Tests/CompatTests.cs with EMULATOR_URL and EMULATOR_TOKEN (seed "demo").
const assert = require('node:assert/strict');
const { Client } = require('@hubspot/api-client');

const basePath = process.env.EMULATOR_URL;
const accessToken = process.env.EMULATOR_TOKEN;
if (!basePath || !accessToken) {
  console.error('EMULATOR_URL and EMULATOR_TOKEN must be set');
  process.exit(2);
}

const hs = new Client({ accessToken, basePath });
const steps = [];

async function step(name, fn) {
  try {
    await fn();
    steps.push(name);
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`FAIL ${name}`);
    console.error(e && e.stack ? e.stack : e);
    if (e && e.body) console.error('body:', typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
    process.exit(1);
  }
}

async function dated(method, path, body) {
  const response = await fetch(basePath + path, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text.length ? JSON.parse(text) : undefined };
}

// The official client turns timestamps into Date objects; plain JSON keeps HubSpot's ISO strings.
function record(r) {
  const iso = (v) => (v instanceof Date ? v.toISOString() : v);
  return { id: r.id, properties: r.properties, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), archived: r.archived };
}

function links(results) {
  return results
    .map((r) => ({
      from: (r._from ?? r.from).id,
      to: r.to
        .map((t) => ({
          toObjectId: String(t.toObjectId),
          types: t.associationTypes.map((a) => `${a.category}/${a.typeId}/${a.label ?? ''}`).sort(),
        }))
        .sort((a, b) => a.toObjectId.localeCompare(b.toObjectId)),
    }))
    .sort((a, b) => a.from.localeCompare(b.from));
}

const byId = (a, b) => a.id.localeCompare(b.id);

(async () => {
  const written = {};

  await step('write records and links with the official client (v3/v4)', async () => {
    const companies = await hs.crm.companies.batchApi.create({
      inputs: ['Dated One', 'Dated Two'].map((name) => ({ properties: { name, domain: `${name.replace(' ', '-').toLowerCase()}.example` }, associations: [] })),
    });
    written.companies = companies.results.map((c) => c.id).sort();
    const deals = await hs.crm.deals.batchApi.create({
      inputs: [1, 2, 3].map((i) => ({ properties: { dealname: `Dated deal ${i}`, pipeline: 'default', dealstage: 'closedwon', amount: `${i}000` }, associations: [] })),
    });
    written.deals = deals.results.map((d) => d.id).sort();
    const project = await hs.crm.objects.basicApi.create('projects', {
      properties: { hs_name: 'Dated project', hs_pipeline: 'default', hs_pipeline_stage: 'planned', hs_target_due_date: '2027-03-31' },
      associations: [],
    });
    written.project = project.id;

    await hs.crm.associations.v4.basicApi.createDefault('deals', written.deals[0], 'companies', written.companies[0]);
    await hs.crm.associations.v4.batchApi.create('deals', 'companies', {
      inputs: [{ _from: { id: written.deals[1] }, to: { id: written.companies[1] }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] }],
    });
    const label = await hs.crm.associations.v4.schema.definitionsApi.create('deals', 'companies', { label: 'Dated sponsor', name: 'dated_sponsor' });
    await hs.crm.associations.v4.basicApi.create('deals', written.deals[2], 'companies', written.companies[0], [
      { associationCategory: 'USER_DEFINED', associationTypeId: label.results[0].typeId },
    ]);
    await hs.crm.associations.v4.basicApi.createDefault('projects', written.project, 'deals', written.deals[0]);
  });

  for (const v of ['2026-03', '2026-09']) {
    await step(`GET /crm/objects/${v}/{type}/{id} matches the official client's read`, async () => {
      const properties = ['dealname', 'amount', 'dealstage', 'pipeline'];
      for (const id of written.deals) {
        const official = await hs.crm.deals.basicApi.getById(id, properties);
        const r = await dated('GET', `/crm/objects/${v}/deals/${id}?properties=${properties.join(',')}`);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.deepEqual(record(r.json), record(official));
        const byTypeId = await dated('GET', `/crm/objects/${v}/0-3/${id}?properties=${properties.join(',')}`);
        assert.deepEqual(record(byTypeId.json), record(official));
      }
      const official = await hs.crm.objects.basicApi.getById('projects', written.project, ['hs_name', 'hs_target_due_date']);
      const r = await dated('GET', `/crm/objects/${v}/0-970/${written.project}?properties=hs_name,hs_target_due_date`);
      assert.deepEqual(record(r.json), record(official));
      assert.equal(r.json.properties.hs_target_due_date, '2027-03-31');
    });
  }

  await step('dated batch read matches the official client\'s batch read', async () => {
    const inputs = [...written.companies, '1'].map((id) => ({ id }));
    const official = await hs.crm.companies.batchApi.read({ inputs, properties: ['name', 'domain'], propertiesWithHistory: [] }, false);
    const r = await dated('POST', '/crm/objects/2026-03/companies/batch/read', { inputs, properties: ['name', 'domain'] });
    assert.equal(r.status, 207);
    assert.equal(r.json.numErrors, official.numErrors);
    assert.equal(r.json.numErrors, 1);
    assert.deepEqual(r.json.results.map(record).sort(byId), official.results.map(record).sort(byId));
    assert.deepEqual(r.json.results.map((c) => c.properties.name).sort(), ['Dated One', 'Dated Two']);
  });

  await step('dated association batch read matches the official client\'s v4 batch read', async () => {
    const inputs = written.deals.map((id) => ({ id }));
    const official = await hs.crm.associations.v4.batchApi.getPage('deals', 'companies', { inputs });
    const r = await dated('POST', '/crm/associations/2026-03/deals/companies/batch/read', { inputs });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.ok(r.json.results.every((x) => x.to.every((t) => typeof t.toObjectId === 'number')), 'toObjectId is a JSON number');
    const got = links(r.json.results);
    assert.deepEqual(got, links(official.results));
    assert.equal(got.length, 3);
    assert.deepEqual(got.find((l) => l.from === written.deals[1]).to[0].types, ['HUBSPOT_DEFINED/341/', 'HUBSPOT_DEFINED/5/Primary']);
    assert.ok(got.find((l) => l.from === written.deals[2]).to[0].types.some((t) => t.startsWith('USER_DEFINED/') && t.endsWith('/Dated sponsor')));

    const projects = await dated('POST', '/crm/associations/2026-09/0-970/0-3/batch/read', { inputs: [{ id: written.project }] });
    const officialProjects = await hs.crm.associations.v4.batchApi.getPage('projects', 'deals', { inputs: [{ id: written.project }] });
    assert.deepEqual(links(projects.json.results), links(officialProjects.results));
  });

  await step('a dated archive (200 BatchResponseVoid) is seen by the official client', async () => {
    const r = await dated('POST', '/crm/associations/2026-03/deals/companies/batch/archive', { inputs: [{ from: { id: written.deals[0] }, to: [{ id: written.companies[0] }] }] });
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'COMPLETE');
    const after = await hs.crm.associations.v4.batchApi.getPage('deals', 'companies', { inputs: [{ id: written.deals[0] }] });
    assert.equal(after.results.length, 0);
    assert.equal(after.numErrors, 1);
  });

  console.log(`dated-family: ${steps.length} steps passed`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
