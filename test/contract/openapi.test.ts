import { describe, expect, it } from 'vitest';
import { checkExchange } from './openapi';
import type { Exchange } from '../../simulators/kit';

function exchange(partial: Partial<Exchange>): Exchange {
  return {
    vendor: 'umbrella', method: 'GET', path: '/reports/v2/top-identities', query: {}, headers: {}, requestBody: undefined,
    rawRequestBody: '', status: 200, responseBody: { data: [], meta: {} }, injected: false, receivedAt: 0, ...partial,
  };
}

describe('OpenAPI contract checker', () => {
  it('accepts a request and response that follow the document', () => {
    expect(checkExchange(exchange({ query: { from: '1', to: '2', limit: '10', offset: '0' } }))).toEqual([]);
  });

  it('reports missing required parameters', () => {
    expect(checkExchange(exchange({ query: { to: '2', limit: '10' } }))).toEqual([
      'GET /reports/v2/top-identities: required query parameter "from" is missing',
    ]);
  });

  it('reports operations that the document does not have', () => {
    expect(checkExchange(exchange({ method: 'DELETE' }))).toEqual(['DELETE /reports/v2/top-identities: no such operation in the umbrella documents']);
    expect(checkExchange(exchange({ path: '/reports/v2/made-up' }))).toHaveLength(1);
  });

  it('reports a response body that breaks the documented schema', () => {
    const problems = checkExchange(exchange({ query: { from: '1', to: '2', limit: '10', offset: '0' }, responseBody: { meta: {} } }));
    expect(problems).toEqual([expect.stringMatching(/-> 200: response body: \/ must have required property 'data'/)]);
  });

  it('checks form-encoded request bodies (token request)', () => {
    const token = exchange({ method: 'POST', path: '/auth/v2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawRequestBody: 'grant_type=password', responseBody: { access_token: 'x', token_type: 'bearer', expires_in: 3600 } });
    expect(checkExchange(token)).toEqual([expect.stringMatching(/request body: \/grant_type must be equal to one of the allowed values/)]);
  });
});
