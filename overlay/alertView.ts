import type { CountedGift } from '../shared/liveState';
import { AlertScheduler, type AlertCard } from './alertScheduler';
import { formatAmount, formatCount, type AmountFormat } from './amounts';
import { realClock, type Clock } from './clock';
import type { OverlayConfig, Tier } from './config';
import { avatar, bdi, el, genericGiftIcon } from './elements';
import { displayText, isAllowedImage, viewerName } from './viewerText';

/**
 * Draws the scheduler's cards. The only timer is one `setTimeout` aimed at the scheduler's next
 * deadline, and it exists only while a card is on screen or waiting; exit animations are Web
 * Animations whose end removes the node, so an idle page holds no timers, frames or nodes.
 */

const EXIT_MS = 350;
/** The combo counter's pop when its count changes. */
const POP_MS = 260;
const CONFETTI_PIECES = 28;

/** Plural of a gift name for merged cards ("Rose" → "Roses"). */
const plural = (name: string, n: number): string =>
  n === 1 || /s$/i.test(name) ? name : `${name}s`;

function giftVisual(card: AlertCard, className: string): Element {
  const box = el('span', className);
  const image = card.gift?.image;
  if (isAllowedImage(image)) {
    const img = document.createElement('img');
    img.alt = '';
    img.decoding = 'async';
    img.referrerPolicy = 'no-referrer';
    img.addEventListener(
      'error',
      () => {
        img.replaceWith(genericGiftIcon('gift-svg'));
      },
      { once: true },
    );
    img.src = image;
    box.appendChild(img);
  } else {
    box.appendChild(genericGiftIcon('gift-svg'));
  }
  return box;
}

/** The alerts layer: a stack of cards plus a full-screen layer for celebrations. */
export class AlertView {
  readonly scheduler: AlertScheduler;
  private readonly stack: HTMLElement;
  private readonly celebrationLayer: HTMLElement;
  private readonly nodes = new Map<number, HTMLElement>();
  /** The combo counter's running pop, per counter: one at a time (see `update`). */
  private readonly pops = new WeakMap<Element, Animation>();
  private cancelTimer: (() => void) | null = null;
  private wakeAt: number | null = null;
  private audio: HTMLAudioElement | null = null;

  constructor(
    private readonly config: OverlayConfig,
    root: HTMLElement,
    private readonly format: () => AmountFormat,
    private readonly clock: Clock = realClock,
  ) {
    this.scheduler = new AlertScheduler(config);
    const adaptive = config.positionSet ? '' : ' pos-default';
    this.stack = el('div', `alert-stack pos-${config.position}${adaptive}`);
    this.celebrationLayer = el('div', 'celebration-layer');
    root.append(this.stack, this.celebrationLayer);
  }

  /** A counted gift from the server. */
  gift(g: CountedGift): void {
    this.scheduler.gift(g, this.clock.now());
    this.flush();
  }

  /** A combo update from the server. */
  combo(key: string, count: number): void {
    this.scheduler.combo(key, count, this.clock.now());
    this.flush();
  }

  /** Lets the scheduler drop streak keys gone quiet; no timer of its own, the caller's beat. */
  forgetOld(): void {
    this.scheduler.forget(this.clock.now());
  }

  /** Cards on screen right now (for tests and the preview). */
  get nodeCount(): number {
    return this.nodes.size;
  }

  private flush(): void {
    for (const change of this.scheduler.drain()) {
      switch (change.type) {
        case 'show':
          this.show(change.card);
          break;
        case 'update':
          this.update(change.card);
          break;
        case 'hide':
          this.hide(change.card);
          break;
        default: {
          const never: never = change;
          throw new Error(`unknown card change ${JSON.stringify(never)}`);
        }
      }
    }
    this.arm();
  }

  /** Aims the single timer at the scheduler's next deadline, or clears it when idle. */
  private arm(): void {
    const next = this.scheduler.nextWakeAt();
    if (next === this.wakeAt) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.wakeAt = next;
    if (next === null) return;
    this.cancelTimer = this.clock.schedule(() => {
      this.cancelTimer = null;
      this.wakeAt = null;
      this.scheduler.tick(this.clock.now());
      this.flush();
    }, next - this.clock.now());
  }

  private show(card: AlertCard): void {
    const node = card.tier === 'celebration' ? this.celebrationCard(card) : this.stackCard(card);
    this.nodes.set(card.id, node);
    if (card.tier === 'celebration') this.celebrationLayer.appendChild(node);
    else this.stack.appendChild(node);
    this.playSound(card.tier);
  }

  private update(card: AlertCard): void {
    const node = this.nodes.get(card.id);
    if (!node) return;
    const combo = node.querySelector<HTMLElement>('.combo-count');
    const text = formatCount(card.count);
    if (combo && combo.textContent !== text) {
      combo.textContent = text;
      combo.parentElement?.classList.toggle('is-combo', card.count > 1);
      // A pop already under way carries the new count too. In a storm a counter changes every
      // few milliseconds: a pop per change would stack dozens of animations on one element
      // (each restyled every frame, none of them able to run on the compositor) and jitter.
      if (this.pops.get(combo)?.playState !== 'running') {
        const pop = combo.animate([{ transform: 'scale(1.45)' }, { transform: 'scale(1)' }], {
          duration: POP_MS,
          easing: 'cubic-bezier(.2,.9,.3,1.4)',
        });
        this.pops.set(combo, pop);
      }
    }
    const value = node.querySelector('.card-value');
    if (value) value.textContent = formatAmount(card.coins, this.format());
    if (card.kind === 'merged') this.fillMergedText(node, card);
    if (card.tier !== 'celebration' && node.dataset.tier !== card.tier) {
      node.classList.remove(`tier-${node.dataset.tier ?? ''}`);
      node.classList.add(`tier-${card.tier}`);
      node.dataset.tier = card.tier;
    }
  }

  private hide(card: AlertCard): void {
    const node = this.nodes.get(card.id);
    if (!node) return;
    this.nodes.delete(card.id);
    node.classList.add('leaving');
    const anim = node.animate(
      [
        { opacity: 1, transform: 'none' },
        { opacity: 0, transform: 'translateY(-12px) scale(.96)' },
      ],
      { duration: EXIT_MS, easing: 'ease-in', fill: 'forwards' },
    );
    const remove = (): void => node.remove();
    anim.finished.then(remove, remove);
  }

  private baseCard(card: AlertCard, className: string): HTMLElement {
    const node = el('div', `${className} tier-${card.tier} kind-${card.kind}`);
    node.dataset.tier = card.tier;
    node.dataset.kind = card.kind;
    node.dataset.origin = card.origin;
    if (card.key !== null) node.dataset.key = card.key;
    return node;
  }

  private comboBadge(card: AlertCard): HTMLElement {
    const combo = el('span', `combo${card.count > 1 ? ' is-combo' : ''}`);
    combo.append(el('span', 'combo-x', '×'), el('span', 'combo-count', formatCount(card.count)));
    return combo;
  }

  private fillMergedText(node: HTMLElement, card: AlertCard): void {
    const title = node.querySelector('.card-title');
    const line = node.querySelector('.card-line');
    if (!title || !line) return;
    const giftName = card.gift ? displayText(card.gift.name, 24) : '';
    title.replaceChildren(
      el('span', 'merged-plus', `+${formatCount(card.count)} `),
      bdi(card.gift ? plural(giftName || 'gift', card.count) : 'gifts', 'gift-name'),
    );
    line.textContent = `from ${formatCount(card.viewers)} ${card.viewers === 1 ? 'viewer' : 'viewers'}`;
  }

  private stackCard(card: AlertCard): HTMLElement {
    const node = this.baseCard(card, 'alert-card');
    const who =
      card.kind === 'single' && card.user ? avatar(card.user) : el('span', 'avatar avatar-crowd');
    if (card.kind === 'merged') who.appendChild(genericGiftIcon('crowd-svg'));
    const body = el('div', 'card-body');
    const title = el('div', 'card-title clamp-1');
    const line = el('div', 'card-line clamp-1');
    if (card.kind === 'single' && card.user && card.gift) {
      title.appendChild(bdi(viewerName(card.user), 'viewer-name'));
      line.append(
        el('span', 'verb', 'sent '),
        bdi(displayText(card.gift.name, 24) || 'a gift', 'gift-name'),
      );
    }
    body.append(title, line, el('div', 'card-value', formatAmount(card.coins, this.format())));
    node.append(who, body, giftVisual(card, 'gift'), this.comboBadge(card));
    if (card.kind === 'merged') this.fillMergedText(node, card);
    if (card.origin === 'test') node.appendChild(el('span', 'test-badge', 'TEST'));
    return node;
  }

  private celebrationCard(card: AlertCard): HTMLElement {
    const node = this.baseCard(card, 'celebration');
    const burst = el('div', 'burst');
    const confetti = el('div', 'confetti');
    for (let i = 0; i < CONFETTI_PIECES; i++) {
      const piece = el('i', `piece p${i % 4}`);
      // Spread the pieces on a circle; CSS animates them outward with transform only.
      const angle = (360 / CONFETTI_PIECES) * i + (i % 3) * 7;
      piece.style.setProperty('--angle', `${angle}deg`);
      piece.style.setProperty('--distance', `${300 + ((i * 97) % 260)}px`);
      piece.style.setProperty('--delay', `${(i % 5) * 60}ms`);
      confetti.appendChild(piece);
    }
    const panel = el('div', 'celebration-panel');
    const title = el('div', 'celebration-name clamp-1');
    if (card.user) title.appendChild(bdi(viewerName(card.user), 'viewer-name'));
    const line = el('div', 'celebration-line clamp-1');
    line.append(
      el('span', 'verb', 'sent '),
      bdi(displayText(card.gift?.name ?? '', 24) || 'a gift', 'gift-name'),
    );
    panel.append(
      card.user ? avatar(card.user) : el('span', 'avatar'),
      title,
      giftVisual(card, 'gift celebration-gift'),
      line,
      this.comboBadge(card),
      el('div', 'card-value', formatAmount(card.coins, this.format())),
    );
    if (card.origin === 'test') panel.appendChild(el('span', 'test-badge', 'TEST'));
    node.append(burst, confetti, panel);
    return node;
  }

  private playSound(tier: Tier): void {
    const { url, volume, tiers } = this.config.sound;
    if (!url || !tiers.includes(tier)) return;
    this.audio ??= new Audio(url);
    this.audio.volume = volume;
    this.audio.currentTime = 0;
    // Autoplay can be refused outside OBS; a silent alert is the right fallback.
    this.audio.play().catch(() => undefined);
  }
}
