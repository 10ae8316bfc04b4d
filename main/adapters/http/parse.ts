/** Validates a vendor response body against a schema, with an error that says where it went wrong. */
import type { z } from 'zod';
import { describeUrl, type HttpResponse } from './client';

export class VendorResponseError extends Error {
  override readonly name = 'VendorResponseError';
}


export function parseBody<T extends z.ZodType>(vendor: string, response: HttpResponse, schema: T, method = 'GET'): z.output<T> {
  let body: unknown;
  try {
    body = response.text === '' ? null : JSON.parse(response.text);
  } catch {
    throw new VendorResponseError(`${vendor} sent a non-JSON answer to ${method} ${describeUrl(response.url)} (HTTP ${String(response.status)}): is the address right?`);
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'the body';
    throw new VendorResponseError(`${vendor} sent an unexpected answer to ${method} ${describeUrl(response.url)}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** The first readable message in a vendor error body, or null. */
export function errorText(text: string, pick: (body: unknown) => string | undefined): string | null {
  try {
    const found = pick(JSON.parse(text));
    return found ? found.slice(0, 300) : null;
  } catch {
    return null;
  }
}
