/**
 * Routes contract channels to the service: checks the sender, validates the payload with the
 * channel's zod schema, and shapes every outcome as an IpcResult the UI can show. Electron-free:
 * main/shell/ipc.ts binds it to ipcMain, and the e2e bridge binds it to Playwright.
 */
import { z } from 'zod';
import {
  contract,
  VERBS,
  type IpcErrorBody,
  type IpcResult,
  type ParsedRequestOf,
  type ResponseOf,
  type Verb,
} from '../../preload/contract';
import type { Logger } from '../adapters/logging/logger';
import { describeError } from '../domain/errors';
import { InvalidCredentialError, KeychainUnavailableError } from '../adapters/store/secrets';
import { FileSaveError, NotAllowedError, type AppService } from './service';
import { SyncAlreadyRunningError } from '../jobs/sync/engine';
import { NotConfiguredError } from '../jobs/setup';
import { HttpError } from '../adapters/http/client';
import { VendorResponseError } from '../adapters/http/parse';
import { VendorError } from '../adapters/http/vendor-error';
import { PsaSetupError } from '../adapters/psa/adapter';
import { StoreFileError } from '../adapters/store/file-lock';

export interface SenderInfo {
  /** URL of the frame that sent the message. */
  url: string;
}

export type Handlers = {
  [V in Verb]: (request: ParsedRequestOf<V>) => ResponseOf<V> | Promise<ResponseOf<V>>;
};

export function serviceHandlers(service: AppService): Handlers {
  return {
    getAppInfo: () => service.getAppInfo(),
    getSettings: () => service.getSettings(),
    saveSettings: (patch) => service.saveSettingsFromWindow(patch),
    setCredentials: (request) => service.setCredentials(request),
    getCredentialsStatus: () => service.getCredentialsStatus(),
    clearCredentials: ({ kind }) => service.clearCredentials(kind),
    runSync: ({ dryRun }) => service.runSync(dryRun),
    getRunHistory: () => service.getRunHistory(),
    getScheduleStatus: () => service.getScheduleStatus(),
    checkTickets: () => service.checkTickets(),
    sendTestTicket: (request) => service.sendTestTicket(request?.psaCompany),
    testConnection: ({ target }) => service.testConnection(target),
    getCustomerOverview: () => service.getCustomerOverview(),
    getCustomerDetail: ({ orgId }) => service.getCustomerDetail(orgId),
    getRunChanges: ({ runId }) => service.getRunChanges(runId),
    getBillingReport: (request) => service.getBillingReport(request?.day),
    setBillingProduct: ({ reference }) => service.setBillingProduct(reference),
    makeBillingPlan: ({ effective }) => service.makeBillingPlan(effective),
    applyBillingPlan: ({ planId, lines }) => service.applyBillingPlan(planId, lines),
    undoBillingChange: ({ changeId }) => service.undoBillingChange(changeId),
    getBillingChanges: () => service.getBillingChanges(),
    removeIntegration: () => service.removeIntegration(),
    listBillingCodes: () => service.listBillingCodes(),
    getTicketingOptions: ({ boardId }) => service.getTicketingOptions(boardId),
    saveCsvFile: ({ fileName, contents }) => service.saveCsvFile(fileName, contents),
    openLogsFolder: () => service.openLogsFolder(),
    copyDiagnostics: () => service.copyDiagnostics(),
  };
}

export interface IpcRouter {
  readonly channels: readonly string[];
  handle(channel: string, sender: SenderInfo, payload: unknown): Promise<IpcResult<unknown>>;
}

const verbByChannel = new Map<string, Verb>(VERBS.map((verb) => [contract[verb].channel, verb]));

function failure(error: IpcErrorBody): IpcResult<never> {
  return { ok: false, error };
}

function payloadIssues(error: z.ZodError): { path: string; message: string }[] {
  // Path and message only: zod's issue objects may echo the input, which can be a secret.
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export function createIpcRouter(options: {
  handlers: Handlers;
  isTrustedSender: (sender: SenderInfo) => boolean;
  log: Logger;
  /** The log redaction, applied to every error message before it crosses to the window. */
  redact?: (text: string) => string;
}): IpcRouter {
  const { handlers, isTrustedSender, log } = options;
  const redact = options.redact ?? ((text: string) => text);

  async function dispatch(verb: Verb, payload: unknown): Promise<IpcResult<unknown>> {
    const definition = contract[verb];
    const parsed = definition.request.safeParse(payload);
    if (!parsed.success) {
      const issues = payloadIssues(parsed.error);
      const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      return failure({ code: 'INVALID_PAYLOAD', message: `Invalid request for ${definition.channel}: ${detail}`, issues });
    }
    const handler = handlers[verb] as (request: unknown) => unknown;
    const value: unknown = await handler(parsed.data);
    return { ok: true, value: definition.response.parse(value) };
  }

  return {
    channels: [...verbByChannel.keys()],
    async handle(channel, sender, payload) {
      if (!isTrustedSender(sender)) {
        log.warn(`IPC: dropped ${channel} from an untrusted sender (${sender.url || 'no URL'}).`);
        return failure({ code: 'UNTRUSTED_SENDER', message: 'This request did not come from the app window.' });
      }
      const verb = verbByChannel.get(channel);
      if (!verb) {
        return failure({ code: 'UNKNOWN_CHANNEL', message: `Unknown request: ${channel}` });
      }
      const result = await settle(verb, channel, payload);
      return result.ok ? result : failure({ ...result.error, message: redact(result.error.message) });
    },
  };

  async function settle(verb: Verb, channel: string, payload: unknown): Promise<IpcResult<unknown>> {
    try {
      return await dispatch(verb, payload);
    } catch (error) {
      if (error instanceof KeychainUnavailableError) {
        return failure({ code: 'KEYCHAIN_UNAVAILABLE', message: error.message });
      }
      if (error instanceof NotConfiguredError) {
        return failure({ code: 'NOT_CONFIGURED', message: error.message });
      }
      if (error instanceof InvalidCredentialError) {
        return failure({ code: 'INVALID_PAYLOAD', message: error.message });
      }
      if (error instanceof VendorError || error instanceof HttpError || error instanceof VendorResponseError || error instanceof PsaSetupError) {
        // These messages name the vendor, the call and the vendor's own words (redacted like every message).
        return failure({ code: 'CONNECTION_FAILED', message: error.message });
      }
      if (error instanceof NotAllowedError) {
        return failure({ code: 'NOT_ALLOWED', message: error.message });
      }
      if (error instanceof FileSaveError || error instanceof StoreFileError) {
        return failure({ code: 'FILE_ERROR', message: error.message });
      }
      if (error instanceof SyncAlreadyRunningError) {
        return failure({ code: 'BUSY', message: error.message });
      }
      log.error(`IPC: ${channel} failed: ${describeError(error)}`);
      return failure({ code: 'INTERNAL', message: `Something went wrong (${channel}). Details are in the app log.` });
    }
  }
}
