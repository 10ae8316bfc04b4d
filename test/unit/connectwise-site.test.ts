import { describe, expect, it } from 'vitest';
import { conditionString, nextLink, normaliseSite } from '../../main/adapters/psa/connectwise/site';
import { parseConditions } from '../../simulators/connectwise-conditions';

describe('ConnectWise site normalisation', () => {
  it('maps cloud sites to their api- hosts, however they are typed', () => {
    for (const typed of ['na.myconnectwise.net', 'https://na.myconnectwise.net/v4_6_release/ConnectWise.aspx', ' NA.myconnectwise.net ', 'api-na.myconnectwise.net']) {
      expect(normaliseSite(typed), typed).toEqual({ siteOrigin: 'https://na.myconnectwise.net', apiOrigin: 'https://api-na.myconnectwise.net' });
    }
    expect(normaliseSite('aus.myconnectwise.net').apiOrigin).toBe('https://api-aus.myconnectwise.net');
    expect(normaliseSite('staging.connectwisedev.com').apiOrigin).toBe('https://api-staging.connectwisedev.com');
  });

  it('keeps on-premise hosts (with port) and forces https except on loopback', () => {
    expect(normaliseSite('http://cw.example-msp.com:8443/v4_6_release')).toEqual({ siteOrigin: 'https://cw.example-msp.com:8443', apiOrigin: 'https://cw.example-msp.com:8443' });
    expect(normaliseSite('http://127.0.0.1:4567').apiOrigin).toBe('http://127.0.0.1:4567');
  });

  it('explains an empty or unusable site', () => {
    expect(() => normaliseSite('  ')).toThrow(/Enter the ConnectWise site/);
    expect(() => normaliseSite('https://')).toThrow(/is not a host name/);
  });
});

describe('conditions', () => {
  it('quotes strings so quotes and backslashes survive the server parser', () => {
    const tricky = 'O"Brien \\ Sons';
    const predicate = parseConditions(`identifier = ${conditionString(tricky)} and deletedFlag = false`);
    expect(predicate({ identifier: tricky, deletedFlag: false })).toBe(true);
    expect(predicate({ identifier: 'OBrien', deletedFlag: false })).toBe(false);
  });

  it('reads Link headers for the next page', () => {
    const header = '<https://x/apis/3.0/company/companies?page=1>; rel="first", <https://x/apis/3.0/company/companies?page=3>; rel="next", <https://x/apis/3.0/company/companies?page=9>; rel="last"';
    expect(nextLink(header)).toBe('https://x/apis/3.0/company/companies?page=3');
    expect(nextLink('<https://x?page=1>; rel="first"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });
});
