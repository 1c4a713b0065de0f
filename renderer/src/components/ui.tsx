import type { ReactNode } from 'react';

/** A headline number with its label; `testId` lets tests compare it with the API. */
export function Stat(props: {
  label: string;
  value: string;
  hint?: ReactNode;
  testId?: string;
  accent?: boolean;
}) {
  return (
    <div className={`stat${props.accent ? ' stat-accent' : ''}`}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
      {props.hint ? <div className="stat-hint">{props.hint}</div> : null}
    </div>
  );
}

/** A card with a title and optional actions on the right. */
export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <section
      className={`card ${props.className ?? ''}`}
      id={props.id}
      aria-label={typeof props.title === 'string' ? props.title : undefined}
    >
      {props.title || props.actions ? (
        <header className="card-head">
          {props.title ? <h2>{props.title}</h2> : <span />}
          {props.actions ? <div className="card-actions">{props.actions}</div> : null}
        </header>
      ) : null}
      {props.children}
    </section>
  );
}

/** A labelled progress bar (0..1). */
export function ProgressBar(props: { fraction: number; label: string; testId?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, props.fraction)) * 1000) / 10;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-testid={props.testId}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

/** An indeterminate progress line for long operations. */
export function Working(props: { label: string }) {
  return (
    <div className="working" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {props.label}
    </div>
  );
}

/** An error that says what happened and what to do, with a retry when there is one. */
export function ErrorNote(props: { message: string; onRetry?: () => void }) {
  return (
    <div className="error-note" role="alert">
      <span>{props.message}</span>
      {props.onRetry ? (
        <button type="button" className="btn btn-small" onClick={props.onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** An empty state: what is missing and how to get there. */
export function Empty(props: { title: string; children: ReactNode; icon?: string }) {
  return (
    <div className="empty">
      <div className="empty-icon" aria-hidden="true">
        {props.icon ?? '◇'}
      </div>
      <h3>{props.title}</h3>
      <div className="empty-body">{props.children}</div>
    </div>
  );
}

/**
 * A viewer's name. Viewer text is hostile: it is rendered as text only, isolated for
 * bidirectional text and clipped to one line by CSS.
 */
export function ViewerName(props: { name: string; handle: string }) {
  const shown = props.name.trim() || (props.handle ? `@${props.handle}` : 'Anonymous');
  return (
    <span className="viewer" title={props.handle ? `@${props.handle}` : undefined}>
      <bdi className="viewer-name">{shown.slice(0, 64)}</bdi>
      {props.handle && props.name.trim() ? (
        <bdi className="viewer-handle">@{props.handle.slice(0, 40)}</bdi>
      ) : null}
    </span>
  );
}

/** The initial of a viewer for an avatar bubble (no remote images in the dashboard). */
export function Avatar(props: { name: string; seed: string }) {
  const letter = Array.from(props.name.trim() || '?')[0] ?? '?';
  let hash = 0;
  for (const ch of props.seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return (
    <span className="avatar" aria-hidden="true" style={{ ['--hue' as string]: String(hash % 360) }}>
      {letter.toUpperCase()}
    </span>
  );
}

/** A column header for numbers: right-aligned (`num`) like the cells below it. */
export function NumHeader(props: { children: ReactNode }) {
  return (
    <th scope="col" className="num">
      {props.children}
    </th>
  );
}
