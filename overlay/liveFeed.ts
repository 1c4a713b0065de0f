import { newTopGifter } from '../shared/leaderboard';
import { emptyLiveState, reduceLive, type LiveMessage, type LiveState } from '../shared/liveState';
import { assertNever } from '../shared/result';
import type { AlertView } from './alertView';
import { amountFormat, type AmountFormat } from './amounts';
import type { GoalView, LeaderboardView, ShoutoutView } from './boardViews';
import type { OverlayConfig } from './config';
import { parseFrame } from './protocol';

/** The widgets one page draws; a page without a widget has null there. */
export interface OverlayWidgets {
  goal: GoalView | null;
  board: LeaderboardView | null;
  alerts: AlertView | null;
  shoutout: ShoutoutView | null;
}

/**
 * What an overlay page does with each frame of its /events socket: checks it, folds it into the
 * page's state with the shared reducer and hands it to the widgets. The live page and the
 * load-time rehearsal (rehearsal.ts) each have one, so the rehearsal runs the very code a live
 * frame runs.
 */
export class LiveFeed {
  readonly widgets: OverlayWidgets;
  /** Snapshots received (a reconnect sends one). */
  snapshots = 0;
  /** Frames refused by the frame checks. */
  invalidFrames = 0;
  private state: LiveState = emptyLiveState();
  private formatted: { rate: string | null; format: AmountFormat } | null = null;

  /** `widgets` builds the page's widgets; they read amounts through the `format` given to it. */
  constructor(
    private readonly config: OverlayConfig,
    widgets: (format: () => AmountFormat) => OverlayWidgets,
  ) {
    this.widgets = widgets(() => this.format());
  }

  /**
   * How amounts are written at the session's rate. One format per session rate, not one per
   * card: parsing the rate (exact rationals, a gcd) for every alert of a storm costs time and
   * leaves its compiled code behind in the page.
   */
  format(): AmountFormat {
    const rate = this.state.session?.diamondsPerCoin ?? null;
    if (this.formatted === null || this.formatted.rate !== rate) {
      this.formatted = { rate, format: amountFormat(this.config.unit, this.state.session) };
    }
    return this.formatted.format;
  }

  /** One frame as the socket delivered it (text, unless something else sent it). */
  frame(data: unknown): void {
    const frame = parseFrame(data);
    if (frame.kind === 'message') this.message(frame.message);
    else if (frame.kind === 'invalid') this.invalidFrames++;
  }

  /** One checked message. */
  message(m: LiveMessage): void {
    const { goal, board, alerts, shoutout } = this.widgets;
    switch (m.type) {
      case 'snapshot':
        this.state = reduceLive(this.state, m);
        this.snapshots++;
        this.renderBoards(false);
        return;
      case 'gift':
        // Session totals are not shown here; the alert is all a gift changes on this page.
        alerts?.gift(m.gift);
        return;
      case 'combo':
        alerts?.combo(m.key, m.count);
        return;
      case 'leaderboard': {
        const before = this.state.leaderboards.session;
        this.state = reduceLive(this.state, m);
        if (m.period === this.config.leaderboard.period) {
          board?.render(this.state.leaderboards[m.period], this.format(), true);
        }
        const top = m.period === 'session' ? newTopGifter(before, m.entries) : null;
        if (top) shoutout?.show(top, this.format());
        return;
      }
      case 'goal':
        this.state = reduceLive(this.state, m);
        goal?.render(this.state.goal, this.state.currency, true);
        return;
      case 'session':
        this.state = reduceLive(this.state, m);
        this.renderBoards(false);
        return;
      case 'social':
      case 'viewers':
      case 'source':
      case 'overlays':
        return;
      default:
        assertNever(m, 'live message');
    }
  }

  private renderBoards(animate: boolean): void {
    const { goal, board } = this.widgets;
    board?.render(this.state.leaderboards[this.config.leaderboard.period], this.format(), animate);
    goal?.render(this.state.goal, this.state.currency, animate);
  }
}
