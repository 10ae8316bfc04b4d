/** The renderer's view of the preload bridge: unwraps IpcResults into values or AppErrors. */
import { API_GLOBAL, type IpcErrorBody, type IpcErrorCode, type IpcResult, type UmbrellaPsaApi } from '../../preload/contract';

declare global {
  interface Window {
    [API_GLOBAL]?: UmbrellaPsaApi;
  }
}

export class AppError extends Error {
  readonly code: IpcErrorCode;
  readonly issues: IpcErrorBody['issues'];
  constructor(body: IpcErrorBody) {
    super(body.message);
    this.name = 'AppError';
    this.code = body.code;
    this.issues = body.issues;
  }
}

export function bridge(): UmbrellaPsaApi {
  const api = window[API_GLOBAL];
  if (!api) throw new Error('The app bridge is missing: open this page from the Umbrella PSA Sync app.');
  return api;
}

export async function unwrap<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  throw new AppError(result.error);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}
