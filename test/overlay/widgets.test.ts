import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { buildOverlay, overlayBuildIsFresh } from './buildOverlay';
import { startHarness, type OverlayHarness } from './harness';
import { probe, waitForSnapshots, waitUntil } from './probe';
import { BOARD, GIFTS, counted, sceneState, viewer } from './scene';

/**
 * Widget behaviour that needs exact state (rank changes, a goal crossing its target, the
 * preview dot), driven by the harness that speaks the /events protocol with scripted messages.
 */

let browser: Browser;
let h: OverlayHarness;

beforeAll(async () => {
  if (!overlayBuildIsFresh()) await buildOverlay();
  browser = await launchChromium();
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
  await browser?.close();
});

async function open(
  widget: string,
  query = '',
  size = { width: 1920, height: 1080 },
): Promise<Page> {
  h.setState(sceneState());
  const page = await browser.newPage({ viewport: size });
  await page.goto(`${h.baseUrl}/overlay/${widget}?key=k&${query}`);
  await waitForSnapshots(page);
  return page;
}

describe('overlay widgets', () => {
  it('slides rows to their new rank (FLIP) and shouts out a new number one', async () => {
    const page = await open('all');
    expect(await page.locator('.board-row .row-name').allTextContents()).toEqual(
      BOARD.map((b) => b.name),
    );
    const [first, second, third, ...rest] = BOARD;
    if (!first || !second || !third) throw new Error('scene board');
    // Sofía (#4) overtakes everyone.
    const sofia = rest[0];
    if (!sofia) throw new Error('scene board');
    h.send({
      type: 'leaderboard',
      period: 'session',
      entries: [{ ...sofia, coins: 50_000 }, first, second, third, ...rest.slice(1)],
    });
    await waitUntil(
      page,
      `document.querySelector('.board-row .row-name')?.textContent === 'Sofía'`,
    );
    // Rows that moved run a transform animation; nothing animates anything but transform/opacity.
    const animated = await page.evaluate<{ props: string[]; moving: number }>(`(() => {
      const anims = document.getAnimations();
      const props = new Set();
      for (const a of anims) for (const k of a.effect.getKeyframes()) for (const p of Object.keys(k))
        if (!['offset', 'easing', 'composite', 'computedOffset'].includes(p)) props.add(p);
      const moving = [...document.querySelectorAll('.board-row')].filter((r) =>
        r.getAnimations().some((a) => JSON.stringify(a.effect.getKeyframes()).includes('translateY'))).length;
      return { props: [...props], moving };
    })()`);
    expect(animated.moving).toBeGreaterThanOrEqual(4);
    for (const p of animated.props) expect(['transform', 'opacity']).toContain(p);
    const banner = page.locator('.shoutout');
    await banner.waitFor();
    expect(await banner.locator('.shoutout-name').textContent()).toBe('Sofía');
    expect(await banner.textContent()).toContain('50,000 coins');
    await page.close();
  });

  it('celebrates a goal when it is reached, and shows rollover rounds', async () => {
    const page = await open('goal');
    const state = sceneState();
    const goal = state.goal;
    if (!goal) throw new Error('scene goal');
    expect(await page.locator('.goal-percent').textContent()).toBe('63%');
    h.send({
      type: 'goal',
      goal: { ...goal, current: 120_000, fraction: 1, reached: true, completions: 1 },
    });
    await page.locator('.goal-celebration').waitFor();
    expect(await page.locator('.goal-percent').textContent()).toBe('100%');
    expect(await page.locator('.goal.reached').count()).toBe(1);
    const rolling = { ...goal.goal, rollover: true };
    h.send({
      type: 'goal',
      goal: {
        goal: rolling,
        current: 5_000,
        target: 120_000,
        fraction: 5_000 / 120_000,
        reached: true,
        completions: 2,
      },
    });
    await waitUntil(page, `document.querySelector('.goal-rounds')?.textContent === '×2 reached'`);
    expect(await page.locator('.goal-current').textContent()).toBe('5,000');
    // No goal set: nothing on stream.
    h.send({ type: 'goal', goal: null });
    await waitUntil(page, `document.querySelector('.goal').hidden === true`);
    await page.close();
  });

  it('fits the canvas at any size, honours scale, and shows the status dot only in preview', async () => {
    const small = await open('leaderboard', '', { width: 960, height: 540 });
    const full = await open('leaderboard', 'scale=1.5', { width: 1920, height: 1080 });
    const widthOf = (p: Page): Promise<number> =>
      p
        .locator('.board')
        .evaluate(
          (b: { getBoundingClientRect(): { width: number } }) => b.getBoundingClientRect().width,
        );
    const smallWidth = await widthOf(small);
    const fullWidth = await widthOf(full);
    // Half the canvas → half the size; scale=1.5 on the full canvas → 1.5×.
    expect(Math.round((fullWidth / smallWidth) * 100)).toBe(300);
    expect(await small.locator('.status-dot').count()).toBe(0);
    await small.close();
    await full.close();
    const preview = await open('alerts', 'preview=1');
    await waitUntil(preview, `document.querySelector('.status-dot')?.dataset.state === 'open'`);
    await preview.close();
  });

  it('shows gift images only from TikTok CDN hosts over https, else its own icon', async () => {
    const page = await open('alerts', 'durations=20000,20000,20000,20000');
    // Requests for the CDN image are answered locally: the test needs no network.
    await page.route('https://p16-webcast.tiktokcdn.com/**', (route) =>
      route.fulfill({ status: 404, body: '' }),
    );
    h.send({
      type: 'gift',
      gift: counted(
        'img-evil',
        viewer('e1', 'Evil'),
        { ...GIFTS.moneyGun, image: 'http://evil.example/x.png' },
        1,
      ),
    });
    h.send({
      type: 'gift',
      gift: counted(
        'img-cdn',
        viewer('c1', 'Cdn'),
        { ...GIFTS.moneyGun, image: 'https://p16-webcast.tiktokcdn.com/gift.png' },
        1,
      ),
    });
    const evil = page.locator('.alert-card', { hasText: 'Evil' });
    await evil.waitFor();
    expect(await evil.locator('.gift img').count()).toBe(0);
    expect(await evil.locator('.gift svg').count()).toBe(1);
    // The CDN image was tried; it failed (404 here), so the card falls back to the icon too.
    const cdn = page.locator('.alert-card', { hasText: 'Cdn' });
    await cdn.waitFor();
    await waitUntil(page, `document.querySelector('[data-key="img-cdn"] .gift svg') !== null`);
    const stats = await probe(page);
    expect(stats.invalidFrames).toBe(0);
    await page.close();
  });
});
