import type { CredentialKind, PsaKind } from '../../preload/contract';

export const PSA_LABELS: Record<PsaKind, string> = {
  connectwise: 'ConnectWise PSA (Manage)',
  autotask: 'Autotask',
};

export const CREDENTIAL_KIND_LABELS: Record<CredentialKind, string> = {
  umbrella: 'Cisco Umbrella for MSPs',
  connectwise: 'ConnectWise PSA',
  autotask: 'Autotask',
};

export const CREDENTIAL_FIELD_LABELS: Record<string, { label: string; secret: boolean }> = {
  apiKey: { label: 'API key', secret: false },
  apiSecret: { label: 'API secret', secret: true },
  companyId: { label: 'Company ID', secret: false },
  publicKey: { label: 'Public key', secret: false },
  privateKey: { label: 'Private key', secret: true },
  clientId: { label: 'Client ID', secret: false },
  username: { label: 'API username', secret: false },
  secret: { label: 'Secret', secret: true },
  integrationCode: { label: 'Tracking identifier', secret: true },
};

/** A date and time as the user's locale writes it, e.g. "Nov 25, 2026, 9:09 PM". */
export const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
