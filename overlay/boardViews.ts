import type { Currency } from '../shared/earnings';
import type { GoalProgress } from '../shared/goals';
import type { GifterTotal } from '../shared/leaderboard';
import { formatAmount, formatCount, formatGoalAmounts, type AmountFormat } from './amounts';
import type { OverlayConfig, Position } from './config';
import { realClock, type Clock } from './clock';
import { avatar, bdi, coinIcon, crownIcon, diamondIcon, el } from './elements';
import { viewerName } from './viewerText';

/**
 * The leaderboard, the goal bar and the top-gifter shout-out. Each renders from state and
 * animates with transform and opacity only (Web Animations, which end by themselves).
 */

const PERIOD_LABEL = { session: 'this LIVE', day: 'today', all: 'all time' } as const;

/** The top-N board; rank changes slide rows with FLIP (first, last, invert, play). */
export class LeaderboardView {
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly rows = new Map<string, HTMLElement>();
  private readonly ranks = new Map<string, number>();

  constructor(
    private readonly config: OverlayConfig,
    root: HTMLElement,
    position: Position = config.position,
  ) {
    const adaptive = config.positionSet ? '' : ' pos-default';
    const panel = el('section', `board panel pos-${position}${adaptive}`);
    const head = el('header', 'board-head');
    head.append(
      crownIcon('board-crown'),
      el('span', 'board-title', config.leaderboard.title ?? 'Top gifters'),
      el('span', 'board-period', PERIOD_LABEL[config.leaderboard.period]),
    );
    this.list = el('ol', 'board-list');
    this.empty = el('div', 'board-empty', 'Send a gift to claim the #1 spot');
    panel.append(head, this.list, this.empty);
    root.appendChild(panel);
  }

  /** Renders the board; `animate` is false for snapshots so a reconnect does not dance. */
  render(entries: readonly GifterTotal[], format: AmountFormat, animate: boolean): void {
    const top = entries.filter((e) => e.coins > 0).slice(0, this.config.leaderboard.top);
    this.empty.hidden = top.length > 0;
    const before = new Map<string, number>();
    for (const [id, row] of this.rows) before.set(id, row.offsetTop);

    const keep = new Set(top.map((e) => e.userId));
    for (const [id, row] of this.rows) {
      if (keep.has(id)) continue;
      row.remove();
      this.rows.delete(id);
      this.ranks.delete(id);
    }
    top.forEach((entry, i) => {
      let row = this.rows.get(entry.userId);
      const fresh = !row;
      if (!row) {
        row = el('li', 'board-row');
        this.rows.set(entry.userId, row);
      }
      this.fillRow(row, entry, i + 1, format);
      // appendChild moves an existing row: the list ends up in rank order.
      if (this.list.children[i] !== row) this.list.insertBefore(row, this.list.children[i] ?? null);
      const oldRank = this.ranks.get(entry.userId);
      this.ranks.set(entry.userId, i + 1);
      if (!animate) return;
      if (fresh) {
        row.animate(
          [
            { opacity: 0, transform: 'translateX(40px)' },
            { opacity: 1, transform: 'none' },
          ],
          { duration: 450, easing: 'cubic-bezier(.2,.8,.2,1)' },
        );
      } else if (oldRank !== undefined && oldRank > i + 1) {
        row.animate([{ opacity: 1 }, { opacity: 0.55 }, { opacity: 1 }], { duration: 700 });
        row.querySelector('.row-glow')?.animate([{ opacity: 0.9 }, { opacity: 0 }], {
          duration: 1_200,
          easing: 'ease-out',
        });
      }
    });
    if (!animate) return;
    for (const [id, row] of this.rows) {
      const old = before.get(id);
      if (old === undefined) continue;
      const dy = old - row.offsetTop;
      if (dy === 0) continue;
      row.animate([{ transform: `translateY(${dy}px)` }, { transform: 'none' }], {
        duration: 600,
        easing: 'cubic-bezier(.2,.8,.2,1)',
      });
    }
  }

  private fillRow(row: HTMLElement, e: GifterTotal, rank: number, format: AmountFormat): void {
    const amountText = formatAmount(e.coins, format).split(' ')[0] ?? '';
    // Rebuild only what changed: a new avatar node would reload (and flash) the picture.
    const sig = JSON.stringify([e.name, e.handle, e.avatar ?? '', format.unit, rank, amountText]);
    if (row.dataset.sig === sig) return;
    row.dataset.sig = sig;
    row.className = `board-row rank-${Math.min(rank, 4)}`;
    row.dataset.user = e.userId;
    const unit = format.unit === 'coins' ? coinIcon('unit-icon') : diamondIcon('unit-icon');
    const amount = el('span', 'row-amount');
    amount.append(unit, el('span', 'row-amount-text', amountText));
    const rankNode = el('span', 'row-rank', String(rank));
    const existingAvatar = row.querySelector('.avatar');
    const sameViewer = row.dataset.avatarSig === `${e.name}|${e.handle}|${e.avatar ?? ''}`;
    const face = sameViewer && existingAvatar ? existingAvatar : avatar(e);
    row.dataset.avatarSig = `${e.name}|${e.handle}|${e.avatar ?? ''}`;
    row.replaceChildren(
      el('span', 'row-glow'),
      rankNode,
      face,
      bdi(viewerName(e), 'row-name clamp-1'),
      amount,
    );
  }
}

/** The goal bar: label, progress, celebration when reached, rollover count. */
export class GoalView {
  private readonly panel: HTMLElement;
  private readonly label: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly amounts: HTMLElement;
  private readonly percent: HTMLElement;
  private readonly rounds: HTMLElement;
  private last: { reached: boolean; completions: number; goalId: string } | null = null;

  constructor(
    private readonly config: OverlayConfig,
    root: HTMLElement,
    position: Position = config.position,
  ) {
    const adaptive = config.positionSet ? '' : ' pos-default';
    this.panel = el('section', `goal panel pos-${position}${adaptive}`);
    this.panel.hidden = true;
    const head = el('header', 'goal-head');
    this.label = bdi('', 'goal-label clamp-1');
    this.rounds = el('span', 'goal-rounds');
    this.percent = el('span', 'goal-percent');
    head.append(this.label, this.rounds, this.percent);
    const track = el('div', 'goal-track');
    this.fill = el('div', 'goal-fill');
    track.append(this.fill, el('div', 'goal-shine'));
    this.amounts = el('div', 'goal-amounts');
    this.panel.append(head, track, this.amounts);
    root.appendChild(this.panel);
  }

  /** Renders the goal; null hides the widget (nothing to show, nothing on stream). */
  render(goal: GoalProgress | null, currency: Currency, animate: boolean): void {
    this.panel.hidden = goal === null;
    if (!goal) {
      this.last = null;
      return;
    }
    this.label.textContent = this.config.goal.label ?? (goal.goal.label || 'Goal');
    const fraction = Math.max(0, Math.min(1, goal.fraction));
    this.fill.style.transform = `scaleX(${fraction})`;
    this.percent.textContent = `${Math.floor(fraction * 100)}%`;
    const { current, target } = formatGoalAmounts(goal, currency);
    const icon = goal.goal.kind === 'diamonds' ? diamondIcon('unit-icon') : el('span', '');
    this.amounts.replaceChildren(
      icon,
      el('span', 'goal-current', current),
      el('span', 'goal-sep', ' / '),
      el('span', 'goal-target', target),
    );
    const rolled = goal.goal.rollover && goal.completions > 0;
    this.rounds.hidden = !rolled;
    this.rounds.textContent = rolled ? `×${formatCount(goal.completions)} reached` : '';
    const reachedNow = goal.goal.rollover ? goal.completions > 0 : goal.reached;
    this.panel.classList.toggle('reached', !goal.goal.rollover && goal.reached);
    const prev = this.last;
    const newlyReached =
      prev !== null &&
      prev.goalId === goal.goal.id &&
      (goal.completions > prev.completions || (goal.reached && !prev.reached));
    this.last = { reached: reachedNow, completions: goal.completions, goalId: goal.goal.id };
    if (animate && newlyReached) this.celebrate();
  }

  private celebrate(): void {
    const banner = el('div', 'goal-celebration', 'Goal reached!');
    this.panel.appendChild(banner);
    const anim = banner.animate(
      [
        { opacity: 0, transform: 'translateY(10px) scale(.8)' },
        { opacity: 1, transform: 'translateY(0) scale(1.08)', offset: 0.12 },
        { opacity: 1, transform: 'scale(1)', offset: 0.85 },
        { opacity: 0, transform: 'scale(1)' },
      ],
      { duration: 4_000, easing: 'ease-out' },
    );
    const remove = (): void => banner.remove();
    anim.finished.then(remove, remove);
    this.panel.animate(
      [{ transform: 'scale(1)' }, { transform: 'scale(1.04)' }, { transform: 'scale(1)' }],
      { duration: 600, iterations: 2 },
    );
  }
}

/** "New top gifter" banner, one at a time; a newer #1 replaces the text of a banner on screen. */
export class ShoutoutView {
  private banner: HTMLElement | null = null;
  private cancelTimer: (() => void) | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly durationMs = 6_000,
    private readonly clock: Clock = realClock,
  ) {}

  /** Shows the banner for a new number one. */
  show(top: GifterTotal, format: AmountFormat): void {
    const content: Node[] = [
      crownIcon('shoutout-crown'),
      el('span', 'shoutout-kicker', 'New top gifter'),
      bdi(viewerName(top), 'shoutout-name clamp-1'),
      el('span', 'shoutout-amount', formatAmount(top.coins, format)),
    ];
    if (this.banner) {
      this.banner.replaceChildren(...content);
    } else {
      const banner = el('div', 'shoutout');
      banner.append(...content);
      this.root.appendChild(banner);
      this.banner = banner;
    }
    this.cancelTimer?.();
    this.cancelTimer = this.clock.schedule(() => this.hide(), this.durationMs);
  }

  private hide(): void {
    this.cancelTimer = null;
    const banner = this.banner;
    if (!banner) return;
    this.banner = null;
    const anim = banner.animate(
      [
        { opacity: 1, transform: 'translateX(-50%)' },
        { opacity: 0, transform: 'translateX(-50%) translateY(-30px)' },
      ],
      { duration: 400, easing: 'ease-in', fill: 'forwards' },
    );
    const remove = (): void => banner.remove();
    anim.finished.then(remove, remove);
  }
}
