import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { eventContract, type CredentialKind, type CustomerOverview, type EffectiveChoice, type RunProgress, type Screen, type SetCredentialsRequest, type Settings, type SettingsPatch } from '../../preload/contract';
import { bridge, unwrap } from './api';

export const keys = {
  appInfo: ['app-info'] as const,
  settings: ['settings'] as const,
  credentials: ['credentials-status'] as const,
};

export function useAppInfo() {
  return useQuery({ queryKey: keys.appInfo, queryFn: () => unwrap(bridge().getAppInfo()) });
}

export function useSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => unwrap(bridge().getSettings()) });
}

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => unwrap(bridge().saveSettings(patch)),
    onSuccess: (settings) => { client.setQueryData(keys.settings, settings); },
  });
}

export function useCredentialsStatus() {
  return useQuery({ queryKey: keys.credentials, queryFn: () => unwrap(bridge().getCredentialsStatus()) });
}

export function useSetCredentials() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: SetCredentialsRequest) => unwrap(bridge().setCredentials(request)),
    onSuccess: (status) => { client.setQueryData(keys.credentials, status); },
  });
}

export function useClearCredentials() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (kind: CredentialKind) => unwrap(bridge().clearCredentials({ kind })),
    onSuccess: (status) => { client.setQueryData(keys.credentials, status); },
  });
}

export const runKeys = {
  history: ['run-history'] as const,
  schedule: ['schedule-status'] as const,
};

export function useRunHistory() {
  return useQuery({ queryKey: runKeys.history, queryFn: () => unwrap(bridge().getRunHistory()) });
}

export function useScheduleStatus() {
  return useQuery({ queryKey: runKeys.schedule, queryFn: () => unwrap(bridge().getScheduleStatus()) });
}

/** Runs that change what the history shows refresh it when they finish. */
function useRunMutation<T>(run: () => Promise<T>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => {
      void client.invalidateQueries({ queryKey: runKeys.history });
      void client.invalidateQueries({ queryKey: runKeys.schedule });
    },
  });
}

export function useRunSync() {
  return useRunMutation(() => unwrap(bridge().runSync({ dryRun: false })));
}

export function usePreviewSync() {
  return useRunMutation(() => unwrap(bridge().runSync({ dryRun: true })));
}

export function useCheckTickets() {
  return useRunMutation(() => unwrap(bridge().checkTickets()));
}

export function useTestConnection() {
  return useMutation({ mutationFn: (target: 'umbrella' | 'psa') => unwrap(bridge().testConnection({ target })) });
}

export const customerKeys = { overview: ['customer-overview'] as const };

export function useCustomerOverview() {
  return useQuery({ queryKey: customerKeys.overview, queryFn: () => unwrap(bridge().getCustomerOverview()) });
}

/** Saves the mapping entries given (the rest stay as saved, by whoever); the table shows the change at once, then refreshes. */
export function useSaveMappings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (entries: Settings['mappings']) => unwrap(bridge().saveSettings({ mappings: entries })),
    onMutate: (entries) => {
      client.setQueryData<Settings>(keys.settings, (old) => (old ? { ...old, mappings: { ...old.mappings, ...entries } } : old));
      client.setQueryData<CustomerOverview>(customerKeys.overview, (old) => old && {
        ...old,
        customers: old.customers.map((c) => {
          const mapping = entries[String(c.orgId)];
          return mapping ? { ...c, psaCompany: mapping.psaCompany, excluded: mapping.excluded, suggestion: mapping.psaCompany ? null : c.suggestion } : c;
        }),
      });
    },
    onError: () => {
      void client.invalidateQueries({ queryKey: keys.settings });
      void client.invalidateQueries({ queryKey: customerKeys.overview });
    },
    onSuccess: (settings) => {
      client.setQueryData(keys.settings, settings);
      void client.invalidateQueries({ queryKey: customerKeys.overview });
    },
  });
}

export const wizardKeys = {
  billingCodes: ['billing-codes'] as const,
  ticketingOptions: (boardId: number | null) => ['ticketing-options', boardId] as const,
};

/** Step 1: removes the PSA integration; mappings and Umbrella credentials stay. */
export function useRemoveIntegration() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(bridge().removeIntegration()),
    onSuccess: ({ settings, credentials }) => {
      client.setQueryData(keys.settings, settings);
      client.setQueryData(keys.credentials, credentials);
      client.removeQueries({ queryKey: wizardKeys.billingCodes });
      client.removeQueries({ queryKey: ['ticketing-options'] });
      void client.invalidateQueries({ queryKey: customerKeys.overview });
    },
  });
}

/** Step 2 (Autotask): loaded once both connection tests pass. */
export function useBillingCodes(enabled: boolean) {
  return useQuery({ queryKey: wizardKeys.billingCodes, queryFn: () => unwrap(bridge().listBillingCodes()), enabled });
}

/** Step 3: boards or queues (boardId null), then a ConnectWise board's dependent lists. */
export function useTicketingOptions(boardId: number | null, enabled = true) {
  return useQuery({ queryKey: wizardKeys.ticketingOptions(boardId), queryFn: () => unwrap(bridge().getTicketingOptions({ boardId })), enabled });
}

export function useSendTestTicket() {
  return useMutation({ mutationFn: (psaCompany: string | undefined) => unwrap(bridge().sendTestTicket(psaCompany ? { psaCompany } : undefined)) });
}

/**
 * Live progress pushed from main for runs started anywhere (this window, the tray, the schedule).
 * When a run finishes, what it changed is fetched again.
 */
export function useRunProgress(): Record<RunProgress['kind'], RunProgress | null> {
  const client = useQueryClient();
  const [running, setRunning] = useState<Record<RunProgress['kind'], RunProgress | null>>({ sync: null, tickets: null });
  useEffect(() => bridge().onRunProgress((payload) => {
    const parsed = eventContract.runProgress.payload.safeParse(payload);
    if (!parsed.success) return;
    const progress = parsed.data;
    setRunning((old) => ({ ...old, [progress.kind]: progress.finished ? null : progress }));
    if (progress.finished) {
      void client.invalidateQueries({ queryKey: runKeys.history });
      void client.invalidateQueries({ queryKey: runKeys.schedule });
      if (progress.kind === 'sync' && !progress.dryRun) void client.invalidateQueries({ queryKey: customerKeys.overview });
    }
  }), [client]);
  return running;
}

export function useOpenLogsFolder() {
  return useMutation({ mutationFn: () => unwrap(bridge().openLogsFolder()) });
}

export function useCopyDiagnostics() {
  return useMutation({ mutationFn: () => unwrap(bridge().copyDiagnostics()) });
}

/** A notification's click (main asks the window for a screen): the screen it is about is shown. */
export function useOpenScreenRequests(open: (screen: Screen) => void): void {
  useEffect(() => bridge().onOpenScreen((payload) => {
    const parsed = eventContract.openScreen.payload.safeParse(payload);
    if (parsed.success) open(parsed.data.screen);
  }), [open]);
}

export function useSaveCsvFile() {
  return useMutation({ mutationFn: (request: { fileName: string; contents: string }) => unwrap(bridge().saveCsvFile(request)) });
}

export const historyKeys = {
  customer: (orgId: number) => ['customer-detail', orgId] as const,
  run: (runId: string) => ['run-changes', runId] as const,
};

/** A customer's values as last written and its latest PSA writes; read when its detail is opened. */
export function useCustomerDetail(orgId: number) {
  return useQuery({ queryKey: historyKeys.customer(orgId), queryFn: () => unwrap(bridge().getCustomerDetail({ orgId })) });
}

/** What a run wrote to the PSA; read when its changes are opened. */
export function useRunChanges(runId: string) {
  return useQuery({ queryKey: historyKeys.run(runId), queryFn: () => unwrap(bridge().getRunChanges({ runId })) });
}

export const billingKeys = { report: (day: string) => ['billing-report', day] as const };

/** The seat drift report: reads the PSA's agreements or contracts when the Billing screen asks for it. */
export function useBillingReport(day: string, enabled: boolean) {
  return useQuery({ queryKey: billingKeys.report(day), queryFn: () => unwrap(bridge().getBillingReport({ day })), enabled, retry: false });
}

export function useSetBillingProduct() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (reference: string) => unwrap(bridge().setBillingProduct({ reference })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['billing-report'] });
      void client.invalidateQueries({ queryKey: keys.settings });
    },
  });
}

const billingChangesKey = ['billing-changes'] as const;

/** Makes and saves a billing plan in main; nothing is written to the PSA. */
export function useMakeBillingPlan() {
  return useMutation({ mutationFn: (effective: EffectiveChoice) => unwrap(bridge().makeBillingPlan({ effective })) });
}

/** After a write: the drift and the ledger are read again. */
function useBillingWrite<T, R>(write: (request: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['billing-report'] });
      void client.invalidateQueries({ queryKey: billingChangesKey });
    },
  });
}

export function useApplyBillingPlan() {
  return useBillingWrite((request: { planId: number; lines: number[] }) => unwrap(bridge().applyBillingPlan(request)));
}

export function useUndoBillingChange() {
  return useBillingWrite((changeId: number) => unwrap(bridge().undoBillingChange({ changeId })));
}

export function useBillingChanges() {
  return useQuery({ queryKey: billingChangesKey, queryFn: () => unwrap(bridge().getBillingChanges()), retry: false });
}
