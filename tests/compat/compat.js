'use strict';
// HubSpot's official Node client (@hubspot/api-client 14.0.1) drives the emulator through the calls the sync worker
// relies on. Run by tests/HubSpotPmoSync.Emulator.Tests/CompatTests.cs, which starts the emulator (seed "demo") and
// passes EMULATOR_URL and EMULATOR_TOKEN. Exits non-zero with the failing step on the first mismatch.
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

function body(e) {
  if (!e || e.body === undefined) return {};
  return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
}

async function expectError(code, fn, category) {
  let thrown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown, `expected HTTP ${code}, but the call succeeded`);
  assert.equal(thrown.code, code, `expected HTTP ${code}, got ${thrown.code}: ${JSON.stringify(body(thrown))}`);
  const b = body(thrown);
  assert.equal(b.status, 'error');
  assert.ok(b.correlationId, 'error body has a correlationId');
  if (category) assert.equal(b.category, category);
  return b;
}

(async () => {
  await step('list paging with getAll (companies)', async () => {
    const all = await hs.crm.companies.getAll(10, undefined, ['name', 'domain']);
    assert.equal(all.length, 30);
    const ids = all.map((c) => BigInt(c.id));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], 'ascending ids');
    const page = await hs.crm.companies.basicApi.getPage(10, undefined, ['name'], undefined, ['deals'], false);
    assert.equal(page.results.length, 10);
    assert.equal(page.paging.next.after, all[10].id);
    assert.ok(page.results[0].createdAt instanceof Date);
  });

  let dealId;
  await step('CRUD on deals', async () => {
    const created = await hs.crm.deals.basicApi.create({
      properties: { dealname: 'Compat deal', pipeline: 'default', dealstage: 'appointmentscheduled', amount: '1200', deal_currency_code: 'EUR' },
      associations: [],
    });
    dealId = created.id;
    assert.equal(created.properties.hs_object_id, dealId);
    const read = await hs.crm.deals.basicApi.getById(dealId, ['dealname', 'amount']);
    assert.equal(read.properties.amount, '1200');
    const updated = await hs.crm.deals.basicApi.update(dealId, { properties: { dealstage: 'closedwon' } });
    assert.equal(updated.properties.dealstage, 'closedwon');
    await hs.crm.deals.basicApi.archive(dealId);
    await expectError(404, () => hs.crm.deals.basicApi.getById(dealId), 'OBJECT_NOT_FOUND');
    const archived = await hs.crm.deals.basicApi.getPage(100, undefined, ['dealname'], undefined, undefined, true);
    assert.ok(archived.results.some((d) => d.id === dealId && d.archived === true && d.archivedAt instanceof Date));
  });

  await step('batch create, read (207), update, archive', async () => {
    const created = await hs.crm.tickets.batchApi.create({
      inputs: [1, 2, 3].map((i) => ({ properties: { subject: `Compat ${i}`, hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH' }, associations: [] })),
    });
    assert.equal(created.status, 'COMPLETE');
    assert.equal(created.results.length, 3);
    const ids = created.results.map((r) => r.id);
    const read = await hs.crm.tickets.batchApi.read({ inputs: [...ids, '1'].map((id) => ({ id })), properties: ['subject'], propertiesWithHistory: [] }, false);
    assert.equal(read.results.length, 3);
    assert.equal(read.numErrors, 1);
    assert.equal(read.errors[0].category, 'OBJECT_NOT_FOUND');
    const updated = await hs.crm.tickets.batchApi.update({ inputs: ids.map((id) => ({ id, properties: { hs_pipeline_stage: '4' } })) });
    assert.ok(updated.results.every((r) => r.properties.hs_pipeline_stage === '4'));
    await hs.crm.tickets.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
    const after = await hs.crm.tickets.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] }, false);
    assert.equal(after.results.length, 0);
    await expectError(400, () => hs.crm.tickets.batchApi.create({ inputs: Array.from({ length: 101 }, () => ({ properties: { subject: 'x', hs_pipeline: '0', hs_pipeline_stage: '1' }, associations: [] })) }), 'VALIDATION_ERROR');
  });

  await step('search with filters, sort and offsets', async () => {
    const req = {
      filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['dealname', 'dealstage'],
      limit: 10,
      after: '0',
    };
    const first = await hs.crm.deals.searchApi.doSearch(req);
    assert.ok(first.total > 10);
    assert.equal(first.results.length, 10);
    assert.equal(first.paging.next.after, '10');
    const second = await hs.crm.deals.searchApi.doSearch({ ...req, after: first.paging.next.after });
    assert.ok(second.results.every((d) => d.properties.dealstage === 'closedwon'));
    const dates = [...first.results, ...second.results].map((d) => d.updatedAt.getTime());
    for (let i = 1; i < dates.length; i++) assert.ok(dates[i] >= dates[i - 1], 'sorted ascending');
    const since = await hs.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '0' }] }], limit: 200, after: '0', properties: [], sorts: [],
    });
    assert.equal(since.total, 80);
    await expectError(400, () => hs.crm.deals.searchApi.doSearch({ filterGroups: [], limit: 201 }), 'VALIDATION_ERROR');
  });

  await step('properties: create, get, duplicate 409, bad value 400', async () => {
    const created = await hs.crm.properties.coreApi.create('deals', {
      name: 'compat_rag', label: 'RAG', type: 'enumeration', fieldType: 'select', groupName: 'dealinformation',
      options: [{ label: 'Red', value: 'red', displayOrder: 0, hidden: false }, { label: 'Green', value: 'green', displayOrder: 1, hidden: false }],
    });
    assert.equal(created.name, 'compat_rag');
    const all = await hs.crm.properties.coreApi.getAll('deals');
    assert.ok(all.results.some((p) => p.name === 'compat_rag'));
    await expectError(409, () => hs.crm.properties.coreApi.create('deals', { name: 'compat_rag', label: 'RAG', type: 'string', fieldType: 'text', groupName: 'dealinformation' }));
    const deal = await hs.crm.deals.basicApi.create({ properties: { dealname: 'P', pipeline: 'default', dealstage: 'qualifiedtobuy' }, associations: [] });
    const b = await expectError(400, () => hs.crm.deals.basicApi.update(deal.id, { properties: { compat_rag: 'RED' } }), 'VALIDATION_ERROR');
    assert.equal(b.errors[0].code, 'INVALID_OPTION');
    const unknown = await expectError(400, () => hs.crm.deals.basicApi.update(deal.id, { properties: { no_such_property: 'x' } }), 'VALIDATION_ERROR');
    assert.equal(unknown.errors[0].code, 'PROPERTY_DOESNT_EXIST');
  });

  await step('schemas: custom object by objectTypeId and fullyQualifiedName', async () => {
    const schema = await hs.crm.schemas.coreApi.create({
      name: 'compat_thing', labels: { singular: 'Thing', plural: 'Things' }, primaryDisplayProperty: 'code',
      requiredProperties: ['code'], searchableProperties: ['code'], secondaryDisplayProperties: [],
      properties: [{ name: 'code', label: 'Code', type: 'string', fieldType: 'text', hasUniqueValue: true }],
      associatedObjects: ['0-3'],
    });
    assert.match(schema.objectTypeId, /^2-\d+$/);
    assert.match(schema.fullyQualifiedName, /^p\d+_compat_thing$/);
    const byName = await hs.crm.schemas.coreApi.getById(schema.fullyQualifiedName);
    assert.equal(byName.objectTypeId, schema.objectTypeId);
    const all = await hs.crm.schemas.coreApi.getAll();
    assert.ok(all.results.some((s) => s.objectTypeId === schema.objectTypeId));
    const thing = await hs.crm.objects.basicApi.create(schema.objectTypeId, { properties: { code: 'T-1' }, associations: [] });
    const page = await hs.crm.objects.basicApi.getPage(schema.objectTypeId, 10, undefined, ['code']);
    assert.equal(page.results[0].id, thing.id);
    await expectError(400, () => hs.crm.objects.basicApi.create(schema.objectTypeId, { properties: {}, associations: [] }), 'VALIDATION_ERROR');
    const found = await hs.crm.objects.searchApi.doSearch(schema.objectTypeId, { filterGroups: [{ filters: [{ propertyName: 'code', operator: 'EQ', value: 't-1' }] }], limit: 10, after: '0', properties: ['code'], sorts: [] });
    assert.equal(found.total, 1);
  });

  await step('unique-value upsert on projects (new, then not new) and 409', async () => {
    const input = (pct) => ({ idProperty: 'project_code', id: 'PRJ-COMPAT-1', properties: { hs_name: 'Compat', hs_pipeline: 'default', hs_pipeline_stage: 'planned', project_percent_complete: pct } });
    const first = await hs.crm.objects.batchApi.upsert('projects', { inputs: [input('0')] });
    assert.equal(first.results[0]._new ?? first.results[0]['new'], true);
    const second = await hs.crm.objects.batchApi.upsert('projects', { inputs: [input('25')] });
    assert.equal(second.results[0]._new ?? second.results[0]['new'], false);
    assert.equal(second.results[0].id, first.results[0].id);
    const byCode = await hs.crm.objects.basicApi.getById('projects', 'PRJ-COMPAT-1', ['project_percent_complete'], undefined, undefined, false, 'project_code');
    assert.equal(byCode.properties.project_percent_complete, '25');
    await expectError(409, () => hs.crm.objects.basicApi.create('projects', { properties: { hs_name: 'Dup', hs_pipeline: 'default', hs_pipeline_stage: 'planned', project_code: 'PRJ-COMPAT-1' }, associations: [] }), 'CONFLICT');
  });

  await step('associations v4: default, labelled, batch read, list, archive', async () => {
    const companies = await hs.crm.companies.basicApi.getPage(2);
    const [c1, c2] = companies.results.map((c) => c.id);
    const deal = await hs.crm.deals.basicApi.create({ properties: { dealname: 'Assoc', pipeline: 'default', dealstage: 'contractsent' }, associations: [] });
    const def = await hs.crm.associations.v4.basicApi.createDefault('deals', deal.id, 'companies', c1);
    assert.equal(def.results[0].associationSpec.associationTypeId, 341);
    const label = await hs.crm.associations.v4.schema.definitionsApi.create('deals', 'companies', { label: 'Compat partner', name: 'compat_partner' });
    const typeId = label.results[0].typeId;
    const labels = await hs.crm.associations.v4.schema.definitionsApi.getAll('deals', 'companies');
    assert.ok(labels.results.some((l) => l.typeId === typeId && l.label === 'Compat partner'));
    const pair = await hs.crm.associations.v4.basicApi.create('deals', deal.id, 'companies', c2, [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }]);
    assert.deepEqual(pair.labels, ['Compat partner']);
    const batch = await hs.crm.associations.v4.batchApi.getPage('deals', 'companies', { inputs: [{ id: deal.id }] });
    const to = batch.results[0].to;
    assert.equal(to.length, 2);
    assert.equal(typeof to[0].toObjectId, 'number');
    assert.ok(to.some((t) => t.associationTypes.some((a) => a.typeId === typeId && a.category === 'USER_DEFINED')));
    const list = await hs.crm.associations.v4.basicApi.getPage('deal', deal.id, 'company', undefined, 500);
    assert.equal(list.results.length, 2);
    const created = await hs.crm.associations.v4.batchApi.create('deals', 'companies', {
      inputs: [{ _from: { id: deal.id }, to: { id: c1 }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] }],
    });
    assert.equal(created.results[0].toObjectId, Number(c1));
    await hs.crm.associations.v4.batchApi.archive('deals', 'companies', { inputs: [{ _from: { id: deal.id }, to: [{ id: c1 }, { id: c2 }] }] });
    const none = await hs.crm.associations.v4.batchApi.getPage('deals', 'companies', { inputs: [{ id: deal.id }] });
    assert.equal(none.results.length, 0);
    assert.equal(none.numErrors, 1);
  });

  await step('pipelines: default deal stages with metadata, ticket pipeline', async () => {
    const deals = await hs.crm.pipelines.pipelinesApi.getAll('deals');
    const stages = deals.results[0].stages;
    const won = stages.find((s) => s.id === 'closedwon');
    assert.equal(won.metadata.isClosed, 'true');
    assert.equal(won.metadata.probability, '1.0');
    const tickets = await hs.crm.pipelines.pipelineStagesApi.getAll('tickets', '0');
    assert.deepEqual(tickets.results.map((s) => s.id), ['1', '2', '3', '4']);
    const raw = await hs.apiRequest({ method: 'GET', path: '/crm/v3/pipelines/projects' });
    const json = await raw.json();
    assert.equal(json.results[0].id, 'default');
  });

  await step('401 with a wrong token', async () => {
    const bad = new Client({ accessToken: 'not-the-token', basePath });
    await expectError(401, () => bad.crm.deals.basicApi.getPage(1), 'INVALID_AUTHENTICATION');
  });

  console.log(`compat: ${steps.length} steps passed`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
