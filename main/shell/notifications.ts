/**
 * Desktop notifications: a run that failed (how many customers, the first error), botnet tickets
 * opened, and billing drift found after the daily sync, each kind switchable in the preferences; clicking one opens the screen it is about. The
 * policy is pure (notificationFor); the OS notification is made by an injected factory, so it is
 * tested without Electron.
 */
import { Notification } from 'electron';
import type { DesktopSettings, RunRecord, Screen } from '../../preload/contract';
import { plural } from '../../preload/plural';
import { runFailed } from '../app/run-summary';

export interface NotificationContent {
  title: string;
  body: string;
  /** The window's screen a click opens. */
  screen: Screen;
}

function firstProblem(run: RunRecord): string {
  const [first] = run.problems.filter((p) => p.status === 'failed');
  if (run.error) return run.error;
  return first ? `${first.name}: ${first.reason ?? 'failed'}` : '';
}

/**
 * What to show when a real run has finished, or null. The same failure again (the ticket check's
 * 15-minute retries, a daily sync failing alike) is not said twice in a row: only a new one is.
 */
export function notificationFor(run: RunRecord, previous: RunRecord | null, prefs: DesktopSettings['notifications']): NotificationContent | null {
  if (run.dryRun || run.stopped === true) return null;
  const what = run.kind === 'sync' ? 'Sync' : 'Ticket check';
  if (prefs.failedRuns && runFailed(run)) {
    const problem = firstProblem(run);
    const repeated = previous !== null && runFailed(previous) && firstProblem(previous) === problem && previous.counts.failed === run.counts.failed;
    if (!repeated) {
      const title = run.error ? `${what} failed` : `${what}: ${plural(run.counts.failed, 'customer')} failed`;
      return { title, body: problem.slice(0, 240), screen: 'status' };
    }
  }
  if (prefs.billingDrift && run.billing) {
    const { underBilled, overBilled, autoApplied } = run.billing;
    const drift = underBilled.customers + overBilled.customers;
    const before = previous?.billing;
    // Only when the drift appears or changes: the same drift every day is on the Billing screen, not in a daily pop-up.
    const same = before !== undefined && before.underBilled.seats === underBilled.seats && before.overBilled.seats === overBilled.seats
      && before.underBilled.customers === underBilled.customers && before.overBilled.customers === overBilled.customers;
    if ((drift > 0 && !same) || autoApplied > 0) {
      const parts = [
        underBilled.customers > 0 ? `${plural(underBilled.customers, 'customer')} under-billed (${plural(underBilled.seats, 'seat')})` : '',
        overBilled.customers > 0 ? `${plural(overBilled.customers, 'customer')} over-billed (${plural(overBilled.seats, 'seat')})` : '',
      ].filter((p) => p !== '');
      const title = drift > 0 ? `Billing: ${parts.join(', ')}` : 'Billing: increases applied';
      const body = `${autoApplied > 0 ? `${plural(autoApplied, 'increase')} applied without asking. ` : ''}Review and approve the changes on the Billing screen.`;
      return { title, body, screen: 'billing' };
    }
  }
  if (prefs.ticketsOpened && run.kind === 'tickets' && run.counts.created > 0) {
    const opened = (run.tickets ?? []).filter((t) => t.action === 'created');
    const names = [...new Set(opened.map((t) => t.customer))];
    const body = names.length > 0 ? `For ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${plural(names.length - 3, 'other')}` : ''}` : 'See the Status screen';
    return { title: `${plural(run.counts.created, 'botnet ticket')} opened`, body, screen: 'status' };
  }
  return null;
}

/** Shown once, the first time the window is closed: the app keeps running (and syncing) in the tray. */
export const CLOSE_TO_TRAY_HINT: NotificationContent = {
  title: 'Umbrella PSA Sync is still running',
  body: 'It keeps syncing in the background. Open it from the tray icon; Quit is in the tray menu.',
  screen: 'status',
};

export type ShowNotification = (content: NotificationContent, onClick: () => void) => void;

/** Electron's notification, where the OS supports them (silently none elsewhere). */
export const showElectronNotification: ShowNotification = (content, onClick) => {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: content.title, body: content.body });
  notification.on('click', onClick);
  notification.show();
};

export interface NotifierOptions {
  show: ShowNotification;
  prefs: () => DesktopSettings;
  /** The real runs of one kind, newest first (the run just finished first). */
  runsOf: (kind: RunRecord['kind']) => RunRecord[];
  /** Brings the window up on the screen. */
  openScreen: (screen: Screen) => void;
  /** Whether the user is looking at the window: then the window itself shows the outcome. */
  windowFocused: () => boolean;
  /** Remembers that the close hint was shown. */
  closeHintShown: () => void;
}

export interface Notifier {
  /** A run of this kind finished (its record is saved). */
  runFinished(kind: RunRecord['kind']): void;
  /** The window was closed while the app keeps running. */
  windowClosed(): void;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const show = (content: NotificationContent) => {
    options.show(content, () => { options.openScreen(content.screen); });
  };
  return {
    runFinished(kind) {
      const [run, previous] = options.runsOf(kind);
      if (!run || options.windowFocused()) return;
      const content = notificationFor(run, previous ?? null, options.prefs().notifications);
      if (content) show(content);
    },
    windowClosed() {
      if (options.prefs().closeHintShown) return;
      options.closeHintShown();
      show(CLOSE_TO_TRAY_HINT);
    },
  };
}
