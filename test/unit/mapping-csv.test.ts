import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { mappingsFromCsv, mappingsToCsv } from '../../preload/mapping-csv';
import type { CustomerOverview, Settings } from '../../preload/contract';

const customer = (orgId: number, name: string, psaCompany: string | null, excluded = false): CustomerOverview['customers'][number] =>
  ({ orgId, name, seats: 10, psaCompany, excluded, suggestion: null, lastResult: null });

const overview = {
  customers: [
    customer(101, 'Acme Corporation', 'AcmeCorp'),
    customer(102, 'Baker, Sons & "Partners"', null),
    customer(103, '=HYPERLINK("http://evil.example","click")', null),
    customer(104, 'Café Müller', 'CafeMuller', true),
  ],
  companies: [
    { reference: 'AcmeCorp', name: 'Acme Corp', active: true },
    { reference: 'BakerSons', name: 'Baker and Sons', active: true },
    { reference: 'CafeMuller', name: 'Café Müller GmbH', active: false },
  ],
};
const current: Settings['mappings'] = { 101: { psaCompany: 'AcmeCorp', excluded: false }, 104: { psaCompany: 'CafeMuller', excluded: true } };
const context = { customers: overview.customers, companies: overview.companies, current };
const rows = (csv: string) => Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;

describe('mapping CSV', () => {
  it('exports every customer, quoting commas and quotes, and neutralising cells a spreadsheet would run as formulas', () => {
    const csv = mappingsToCsv(overview);
    expect(csv.startsWith('\uFEFFumbrella_org_id,customer,psa_company,psa_company_name,excluded,last_sync\r\n')).toBe(true);
    const data = rows(csv);
    expect(data).toHaveLength(5);
    expect(data[1]).toEqual(['101', 'Acme Corporation', 'AcmeCorp', 'Acme Corp', 'no', '']);
    expect(data[2]?.[1]).toBe('Baker, Sons & "Partners"');
    expect(data[3]?.[1]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(data[4]).toEqual(['104', 'Café Müller', 'CafeMuller', 'Café Müller GmbH', 'yes', '']);
  });

  it('neutralises every cell a spreadsheet would run, a value with a line break after the formula included', () => {
    const names = ['=HYPERLINK("http://evil.example","click")\nAcme', '+1+1\r\nx', '-2\ny', '@SUM(A1)\nz', '\tx\ny', '\n=1+1'];
    const csv = mappingsToCsv({ customers: names.map((name, i) => customer(200 + i, name, null)), companies: overview.companies });
    const cells = rows(csv).slice(1).map((row) => row[1]);
    expect(cells).toEqual(names.map((name) => `'${name}`));
  });

  it('imports its own export back without changing anything', () => {
    const result = mappingsFromCsv(mappingsToCsv(overview), context);
    expect(result.errors).toEqual([]);
    expect(result.entries).toEqual({});
    expect(result.changes).toEqual({ mapped: 0, cleared: 0, excluded: 0, unchanged: 4 });
  });

  it('applies edits (any letter case for the company), leaves customers the file omits alone, and reads semicolon files', () => {
    const csv = 'Umbrella Org ID;PSA company;Excluded\n102;bakersons;\n101;;no\n103;;yes\n';
    const result = mappingsFromCsv(csv, context);
    expect(result.errors).toEqual([]);
    // Only the changed entries: 104, which the file omits, is not among them and stays as saved.
    expect(result.entries).toEqual({
      101: { psaCompany: null, excluded: false },
      102: { psaCompany: 'BakerSons', excluded: false },
      103: { psaCompany: null, excluded: true },
    });
    expect(result.changes).toEqual({ mapped: 1, cleared: 1, excluded: 1, unchanged: 0 });
  });

  it('keeps an unchanged line whose company the PSA does not list (saved offline), takes an exact company name, and refuses an inactive company', () => {
    const saved = { ...current, 102: { psaCompany: 'OfflineCo', excluded: false } };
    const offline = mappingsFromCsv(mappingsToCsv({ customers: overview.customers.map((c) => (c.orgId === 102 ? { ...c, psaCompany: 'OfflineCo' } : c)), companies: overview.companies }), { ...context, current: saved });
    expect(offline.errors).toEqual([]);
    expect(offline.entries).toEqual({});
    const byName = mappingsFromCsv('umbrella_org_id,psa_company,excluded\n102,baker and sons,no\n', context);
    expect(byName.errors).toEqual([]);
    expect(byName.entries).toEqual({ 102: { psaCompany: 'BakerSons', excluded: false } });
    const inactive = mappingsFromCsv('umbrella_org_id,psa_company,excluded\n103,OldCo,no\n', { ...context, companies: [...overview.companies, { reference: 'OldCo', name: 'Old Co', active: false }] });
    expect(inactive.entries).toBeNull();
    expect(inactive.errors.map((e) => e.line)).toEqual([2]);
    expect(inactive.errors[0]?.message).toMatch(/the PSA company "Old Co" is inactive: map the customer to an active company/);
  });

  it('refuses the whole file, naming each bad line, when any row is wrong', () => {
    const csv = [
      'umbrella_org_id,psa_company,excluded',
      '101,BakerSons,no',
      'abc,AcmeCorp,no',
      '999,AcmeCorp,no',
      '101,AcmeCorp,no',
      '102,NoSuchCo,no',
      '103,,maybe',
    ].join('\n');
    const result = mappingsFromCsv(csv, context);
    expect(result.entries).toBeNull();
    expect(result.errors).toEqual([
      { line: 3, message: '"abc" is not an Umbrella organization id (a number).' },
      { line: 4, message: 'Umbrella has no customer with organization id 999.' },
      { line: 5, message: 'Acme Corporation (101) is already on line 2.' },
      { line: 6, message: 'Baker, Sons & "Partners": the PSA has no company "NoSuchCo". Use the company identifier (ConnectWise), the company id (Autotask) or its exact name, as the mapping table or "umbrella-psa-sync list companies" shows them.' },
      { line: 7, message: '"excluded" must be yes or no, not "maybe".' },
    ]);
  });

  it('says which column is missing when the file is not a mapping export', () => {
    const result = mappingsFromCsv('name,company\nAcme,AcmeCorp\n', context);
    expect(result.entries).toBeNull();
    expect(result.errors.map((e) => e.message)).toEqual([
      'The first line must name the columns; "umbrella_org_id" is missing (found: name, psa_company). Export the mapping to get a file in the right shape.',
    ]);
    expect(mappingsFromCsv('', context).errors[0]?.message).toMatch(/"umbrella_org_id" is missing \(found: nothing\)/);
  });
});
