/**
 * The demo MSP's credentials: they open only the local simulators, so they are not secrets. Kept
 * free of imports so the window can offer them in demo mode.
 */
export const DEMO_CREDENTIALS = {
  umbrella: { apiKey: 'demo-umbrella-api-key', apiSecret: 'demo-umbrella-api-secret' },
  connectwise: { companyId: 'umbrellademo', publicKey: 'demoPublicKey', privateKey: 'demoPrivateKey', clientId: '00000000-0000-4000-8000-0000000d3m00' },
  autotask: { username: 'umbrella-api@demo-msp.example', secret: 'demo-autotask-secret', integrationCode: 'DEMOTRACKINGIDENTIFIER00001' },
} as const;
